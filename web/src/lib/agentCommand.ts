// Commands an operator pastes into a shell: installing or registering an agent, and the first
// local scan.

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

/** Where the server serves the agent install script (GET, text/x-shellscript; 404 without a release key). */
export const INSTALL_SCRIPT_PATH = '/api/install.sh'

export interface InstallCommandInput {
  /** The dashboard's origin, e.g. window.location.origin. */
  origin: string
  site: string
  /** The agent's name; left out of the command when empty. */
  name: string
  token: string
}

/**
 * The one-line install on a new Linux machine: fetch this server's install script and run it
 * as root, the enrollment token in its environment and the rest as its arguments:
 * `curl -fsSL https://bigr.lan/api/install.sh | sudo BIGR_ENROLL_TOKEN=… sh -s -- --server
 * https://bigr.lan --site hq --name edge-1`.
 */
export function installCommand(input: InstallCommandInput): string {
  const origin = input.origin.replace(/\/+$/, '')
  const parts = [
    `curl -fsSL ${shellQuote(origin + INSTALL_SCRIPT_PATH)}`,
    '|',
    `sudo BIGR_ENROLL_TOKEN=${shellQuote(input.token)} sh -s --`,
    `--server ${shellQuote(origin)}`,
    `--site ${shellQuote(input.site)}`,
  ]
  if (input.name.trim()) parts.push(`--name ${shellQuote(input.name)}`)
  return parts.join(' ')
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
