// Commands an operator pastes into a shell: registering an agent, and the first local scan.

/**
 * POSIX shell quoting: plain words stay as they are, anything else goes in single quotes
 * (with embedded quotes as '\''), so a site or agent name with spaces still pastes correctly.
 */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_.:/@%+=,-]+$/.test(value)) return value
  return `'${value.replaceAll("'", `'\\''`)}'`
}

export interface RegisterCommandInput {
  /** The dashboard's origin, e.g. window.location.origin. */
  apiUrl: string
  name: string
  site: string
  token: string
}

/** `bigr agent register --api-url … --name … --site … --enroll-token …` */
export function registerCommand(input: RegisterCommandInput): string {
  return [
    'bigr agent register',
    `--api-url ${shellQuote(input.apiUrl)}`,
    `--name ${shellQuote(input.name)}`,
    `--site ${shellQuote(input.site)}`,
    `--enroll-token ${shellQuote(input.token)}`,
  ].join(' ')
}

/** The example network of the first-run scan; the user puts their own in its place. */
export const EXAMPLE_NETWORK = '192.168.1.0/24'

/**
 * `bigr scan 192.168.1.0/24`, the first scan to try on the server's machine. A selected site
 * other than `plainScanSite` (where a scan without `--site` writes) gets `--site`, so the
 * results land where the user is looking.
 */
export function scanCommand(site: string, plainScanSite: string): string {
  const command = `bigr scan ${EXAMPLE_NETWORK}`
  return site && site !== plainScanSite ? `${command} --site ${shellQuote(site)}` : command
}
