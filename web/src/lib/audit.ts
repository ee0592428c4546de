// The audit log: the actions the server records and a compact before → after diff of an entry.

/** Actions the server records (`Audit::new(…)` in src/server/api); a newer server may add more. */
export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'logout',
  'user.add',
  'user.change',
  'user.remove',
  'site.configure',
  'subnet.add',
  'subnet.remove',
  'switch.add',
  'switch.remove',
  'agent.revoke',
  'agent.rotate',
  'agent.delete',
  'enrollment.add',
  'enrollment.remove',
  'command.issue',
  'asset.tag',
  'asset.untag',
  'alert.ack',
  'alert_rule.set',
  'alert_channel.add',
  'alert_channel.remove',
  'alert_channel.test',
] as const

/** The filter's prefixes ("agent." matches every agent action), from the dotted actions above. */
export const AUDIT_PREFIXES = [...new Set(AUDIT_ACTIONS.filter((a) => a.includes('.')).map((a) => `${a.split('.')[0]}.`))]

/** One changed value: its dotted path ("" for a bare value) and its text before and after (null: absent). */
export interface DiffLine {
  path: string
  before: string | null
  after: string | null
}

/** Longest value shown; the rest becomes "…". */
const MAX_VALUE = 80

function clip(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Leaf values by dotted path. null, empty lists and empty objects are "unset" and left out, so
 * `ports: null → "22"` reads as a value appearing. Lists of plain values become "a, b".
 */
function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (value === null || value === undefined) return
  if (isPlainObject(value)) {
    for (const [key, v] of Object.entries(value)) flatten(v, path ? `${path}.${key}` : key, out)
    return
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return
    const plain = value.every((v) => v === null || typeof v !== 'object')
    out.set(path, clip(plain ? value.map(String).join(', ') : JSON.stringify(value)))
    return
  }
  out.set(path, clip(String(value)))
}

/** What changed between an entry's `before` and `after`, in `after`'s order, then what went away. */
export function auditDiff(before: unknown, after: unknown): DiffLine[] {
  const old = new Map<string, string>()
  const now = new Map<string, string>()
  flatten(before, '', old)
  flatten(after, '', now)
  const lines: DiffLine[] = []
  for (const [path, value] of now) {
    const was = old.get(path) ?? null
    if (was !== value) lines.push({ path, before: was, after: value })
  }
  for (const [path, value] of old) {
    if (!now.has(path)) lines.push({ path, before: value, after: null })
  }
  return lines
}
