// Signed agent releases in the dashboard: the agents' version summary, an agent's update
// badge, and what an upload sends (the manifest, base64 in a header).
import type { AgentView, VersionCount } from '../api'

/** The update states an agent reports, as the server spells them. */
export const UPDATE_STATES = ['updating', 'updated', 'refused', 'rolled_back'] as const
export type UpdateState = (typeof UPDATE_STATES)[number]

/** The badge class of each update state (components.css: .badge, .badge.ok/.warn/.danger). */
const UPDATE_TONE: Record<UpdateState, '' | 'ok' | 'warn' | 'danger'> = {
  updating: '',
  updated: 'ok',
  refused: 'warn',
  rolled_back: 'danger',
}

/** What an agent's update badge shows; null when it never updated. */
export interface UpdateBadge {
  state: string
  tone: '' | 'ok' | 'warn' | 'danger'
  version: string | null
  /** Why it was refused or rolled back (only then). */
  reason: string | null
}

export function updateBadge(agent: Pick<AgentView, 'update_state' | 'update_version' | 'update_reason'>): UpdateBadge | null {
  const state = agent.update_state
  if (!state) return null
  const known = (UPDATE_STATES as readonly string[]).includes(state)
  const failed = state === 'refused' || state === 'rolled_back'
  return {
    state,
    // A state this dashboard does not know (a newer server's): a plain badge.
    tone: known ? UPDATE_TONE[state as UpdateState] : '',
    version: agent.update_version ?? null,
    reason: failed ? agent.update_reason || null : null,
  }
}

/** Numeric parts of a version (`0.10.2` → [0, 10, 2]); NaN parts compare as text. */
function versionParts(version: string): (number | string)[] {
  return version.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p))
}

/** Orders versions oldest first (0.2.0 before 0.10.0). */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a)
  const pb = versionParts(b)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i]
    const y = pb[i]
    if (x === y) continue
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (typeof x === 'number' && typeof y === 'number') return x - y
    return String(x).localeCompare(String(y))
  }
  return 0
}

/** The counts by version, oldest first, agents that never said last; empty counts left out. */
export function sortedVersions(counts: readonly VersionCount[]): VersionCount[] {
  return counts
    .filter((c) => c.agents > 0)
    .slice()
    .sort((a, b) => {
      if (a.version == null) return b.version == null ? 0 : 1
      if (b.version == null) return -1
      return compareVersions(a.version, b.version)
    })
}

/** "0.1.0 ×12 · 0.2.0 ×3", with `unknown` for agents that never said; "" when none. */
export function versionSummary(counts: readonly VersionCount[], unknown: string): string {
  return sortedVersions(counts)
    .map((c) => `${c.version ?? unknown} ×${c.agents}`)
    .join(' · ')
}

/** Base64 of the UTF-8 bytes of `text` (btoa alone refuses anything beyond Latin-1). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  const CHUNK = 0x8000
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK))
  }
  return btoa(binary)
}

/** The header the server reads a release's signed manifest from. */
export const MANIFEST_HEADER = 'X-Release-Manifest'

/** The arguments of `api.call('release_add', …)`: the binary raw, its manifest in the header. */
export async function releaseUpload(binary: Blob, manifest: Blob): Promise<{ body: Blob; headers: Record<string, string> }> {
  const text = await manifest.text()
  return { body: binary, headers: { [MANIFEST_HEADER]: base64Utf8(text.trim()) } }
}

/** The first 12 hex digits of a SHA-256, enough to tell releases apart. */
export function shortSha(sha256: string): string {
  return sha256.length > 12 ? `${sha256.slice(0, 12)}…` : sha256
}

/** 1536 → "1.5 KiB", in the given locale. */
export function formatBytes(size: number, locale: string): string {
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let value = size
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 ? 0 : 1
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`
}
