// Agent helpers: state order and colours, counts for the overview.
import type { AgentView, AgentState } from '../api'

export const AGENT_STATES: readonly AgentState[] = ['online', 'stale', 'offline', 'pending', 'revoked']

export const AGENT_STATE_COLORS: Record<AgentState, string> = {
  online: '#1a7f37',
  stale: '#b7791f',
  offline: '#c62828',
  pending: '#2f6fde',
  revoked: '#8b949e',
}

/** How many agents are in each state, every state listed (0 when none). */
export function countByState(agents: readonly Pick<AgentView, 'state'>[]): [AgentState, number][] {
  return AGENT_STATES.map((state) => [state, agents.filter((a) => a.state === state).length])
}

/** Enrollment token lifetimes the server accepts. */
export const MIN_ENROLL_HOURS = 1
export const MAX_ENROLL_HOURS = 720
export const DEFAULT_ENROLL_HOURS = 24

/**
 * Whether an agent runs its site's configuration: none (the site has no configuration),
 * applied (it runs the current version) or pending (it runs `running`, an older version, or
 * never said which).
 */
export type ConfigState =
  { kind: 'none' } | { kind: 'applied'; version: number } | { kind: 'pending'; version: number; running: number | null }

export function configState(agent: Pick<AgentView, 'config_version' | 'site_config_version'>): ConfigState {
  const version = agent.site_config_version
  if (!version || version <= 0) return { kind: 'none' }
  const running = agent.config_version ?? null
  return running === version ? { kind: 'applied', version } : { kind: 'pending', version, running }
}
