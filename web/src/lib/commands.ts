// Remote commands to an agent: the "Scan now" form ↔ the NewCommand body of
// POST /api/agents/{id}/commands, the field a 400 answer names, and how a command's state,
// progress and result are shown.
import type { CommandKind, CommandState, CommandView, NewCommand } from '../api'
import { linesToList } from './siteSettings'

/** Every kind the server knows (CommandKind in src/model/commands.rs). */
export const COMMAND_KINDS: readonly CommandKind[] = ['scan_now', 'poll_switches', 'shield_now', 'rotate_token', 'reload_config']

/** The kinds the dashboard sends, in button order (shield_now waits for Shield on the agents). */
export const ISSUED_KINDS = [
  'scan_now',
  'poll_switches',
  'reload_config',
  'rotate_token',
] as const satisfies readonly CommandKind[]
export type IssuedKind = (typeof ISSUED_KINDS)[number]

/** A command's life, in order: queued → acked → running → completed / failed / expired. */
export const COMMAND_STATES: readonly CommandState[] = ['queued', 'acked', 'running', 'completed', 'failed', 'expired']

/** Phases an agent reports while it runs a command (a newer agent's others are shown as sent). */
export const COMMAND_PHASES = ['scanning', 'delivering'] as const

/** How often a command that has not ended is asked about again. */
export const POLL_MS = 1000

/** The command has ended: nothing will change any more. */
export function isFinal(state: CommandState): boolean {
  return state === 'completed' || state === 'failed' || state === 'expired'
}

/** The "Scan now" form as typed: targets one per line, ports as text. */
export interface ScanForm {
  targets: string
  ports: string
}

export function emptyScanForm(): ScanForm {
  return { targets: '', ports: '' }
}

/**
 * The POST body: for a scan, non-blank lines become `targets` and the ports text `ports`;
 * each is left out when empty, so the site's configured targets and ports apply. Other
 * kinds take nothing (the server refuses targets, ports or shield on them).
 */
export function commandBody(kind: CommandKind, form: ScanForm = emptyScanForm()): NewCommand {
  if (kind !== 'scan_now') return { kind }
  const body: NewCommand = { kind }
  const targets = linesToList(form.targets)
  if (targets.length > 0) body.targets = targets
  const ports = form.ports.trim()
  if (ports) body.ports = ports
  return body
}

export type ScanField = keyof ScanForm

export interface ScanFieldError {
  field: ScanField
  /** The server's reason, led by the refused target ("10.0.0.0/33: …"). */
  text: string
}

/**
 * The form field a refusal names: "invalid field `targets[1]`: bad prefix" → targets, with
 * the target that was sent at index 1. null when it names neither targets nor ports.
 */
export function scanFieldError(message: string, sent: NewCommand | null): ScanFieldError | null {
  const match = /^invalid field `(targets|ports)(?:\[(\d+)\])?`:\s*([\s\S]*)$/.exec(message)
  if (!match) return null
  const [, field = 'targets', index, reason = ''] = match
  const entry = index !== undefined ? sent?.targets?.[Number(index)] : undefined
  return { field: field as ScanField, text: entry !== undefined ? `${entry}: ${reason}` : reason }
}

/** How a state looks: the badge class (colour) next to its label. */
export function stateTone(state: CommandState): 'ok' | 'danger' | 'warn' | '' {
  if (state === 'completed') return 'ok'
  if (state === 'failed') return 'danger'
  if (state === 'expired') return 'warn'
  return ''
}

/** What a command's status line shows, derived once from its view. */
export interface CommandDisplay {
  final: boolean
  /** The agent's phase (`scanning`, `delivering`) while it runs, else "". */
  phase: string
  /** Hosts found so far, while it runs and the agent has said so. */
  hostsFound: number | null
  /** 0–100 for the bar: the agent's estimate while it runs; null (no bar) when it gave none or is not running. */
  percent: number | null
  /** The scan a finished scan_now delivered, to link to. */
  scanId: string | null
  assets: number | null
  changes: number | null
  /** Why it failed or expired, or the agent's note on a finished command. */
  detail: string
}

function clampPercent(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null
  return Math.round(Math.min(100, Math.max(0, value)))
}

export function commandDisplay(c: Pick<CommandView, 'state' | 'progress' | 'result'>): CommandDisplay {
  const final = isFinal(c.state)
  const running = c.state === 'running' || c.state === 'acked'
  const progress = running ? (c.progress ?? null) : null
  const result = final ? (c.result ?? null) : null
  return {
    final,
    phase: progress?.phase ?? '',
    hostsFound: progress?.hosts_found ?? null,
    percent: clampPercent(progress?.percent),
    scanId: result?.scan_id ?? null,
    assets: result?.assets ?? null,
    changes: result?.changes ?? null,
    detail: result?.detail ?? '',
  }
}
