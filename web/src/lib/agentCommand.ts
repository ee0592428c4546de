// The command an operator pastes on the machine that will run the agent.

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
