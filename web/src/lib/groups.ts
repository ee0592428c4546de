// The BİGR asset groups (mirror of Category in src/model/category.rs), their display order and
// colours. Labels live in the i18n dictionaries under `group.<key>`.

export const GROUPS = ['ag_ve_sistemler', 'uygulamalar', 'iot', 'tasinabilir', 'unclassified'] as const
export type Group = (typeof GROUPS)[number]

/** Groups an admin can tag an asset with (unclassified is "no tag"). */
export const TAGGABLE_GROUPS = ['ag_ve_sistemler', 'uygulamalar', 'iot', 'tasinabilir'] as const

/**
 * One colour per group, mid-tone so the same value reads on the light and the dark theme.
 * Charts, cards, badges and the topology all use these.
 */
export const GROUP_COLORS: Record<Group, string> = {
  ag_ve_sistemler: '#2f6fde',
  uygulamalar: '#8a4fd8',
  iot: '#d97706',
  tasinabilir: '#0f9d76',
  unclassified: '#8b949e',
}

export function isGroup(value: unknown): value is Group {
  return typeof value === 'string' && (GROUPS as readonly string[]).includes(value)
}

/** Colour of a group; unknown keys (a newer server) get the unclassified grey. */
export function groupColor(key: string | null | undefined): string {
  return isGroup(key) ? GROUP_COLORS[key] : GROUP_COLORS.unclassified
}

/**
 * Every known group with its count (0 when absent), in display order, then any unknown keys
 * the server sent, alphabetically.
 */
export function groupCounts(summary: Record<string, number>): [string, number][] {
  const known: [string, number][] = GROUPS.map((g) => [g, summary[g] ?? 0])
  const unknown = Object.entries(summary)
    .filter(([k]) => !isGroup(k))
    .sort(([a], [b]) => a.localeCompare(b))
  return [...known, ...unknown]
}

/** Device types the classifier knows (mirror of DeviceType in src/model/category.rs). */
export const DEVICE_TYPES = [
  'router',
  'switch',
  'firewall',
  'access_point',
  'server',
  'nas',
  'hypervisor',
  'vm',
  'printer',
  'camera',
  'iot',
  'media',
  'voip',
  'phone',
  'tablet',
  'laptop',
  'desktop',
  'unknown',
] as const

export const CONFIDENCE_LEVELS = ['high', 'medium', 'low', 'unclassified'] as const
export type ConfidenceLevel = (typeof CONFIDENCE_LEVELS)[number]

/** Risk levels and CVE severities, worst first, with their colours. */
export const RISK_LEVELS = ['critical', 'high', 'medium', 'low', 'info'] as const
export type RiskLevel = (typeof RISK_LEVELS)[number]
export const RISK_COLORS: Record<RiskLevel, string> = {
  critical: '#c62828',
  high: '#e4572e',
  medium: '#d4a017',
  low: '#3a86c8',
  info: '#8b949e',
}

export function riskColor(level: string): string {
  return (RISK_COLORS as Record<string, string>)[level] ?? RISK_COLORS.info
}
