import { describe, expect, it } from 'vitest'
import { command } from '../test/fixtures'
import { COMMAND_STATES, commandBody, commandDisplay, isFinal, scanFieldError, stateTone } from './commands'

describe('commandBody', () => {
  it('turns the scan form into targets (one per line) and ports', () => {
    expect(commandBody('scan_now', { targets: ' 10.0.0.0/24\n\n10.1.0.5-40\r\n10.0.0.0/24 \n', ports: ' 22,80 ' })).toEqual({
      kind: 'scan_now',
      targets: ['10.0.0.0/24', '10.1.0.5-40'],
      ports: '22,80',
    })
  })

  it('leaves empty fields out, so the site’s configured targets and ports apply', () => {
    expect(commandBody('scan_now', { targets: '  \n \n', ports: '   ' })).toEqual({ kind: 'scan_now' })
    expect(commandBody('scan_now')).toEqual({ kind: 'scan_now' })
    expect(commandBody('scan_now', { targets: 'host.lan', ports: '' })).toEqual({ kind: 'scan_now', targets: ['host.lan'] })
  })

  it('sends nothing but the kind for the other commands (the server refuses arguments there)', () => {
    for (const kind of ['poll_switches', 'reload_config', 'rotate_token'] as const) {
      expect(commandBody(kind, { targets: '10.0.0.1', ports: '22' })).toEqual({ kind })
    }
  })
})

describe('scanFieldError', () => {
  it('names the refused target, from the index the server gives', () => {
    const sent = commandBody('scan_now', { targets: '10.0.0.0/24\n10.0.0.0/33', ports: '' })
    expect(scanFieldError('invalid field `targets[1]`: invalid prefix length 33', sent)).toEqual({
      field: 'targets',
      text: '10.0.0.0/33: invalid prefix length 33',
    })
    expect(scanFieldError('invalid field `targets`: at most 256 entries', sent)).toEqual({
      field: 'targets',
      text: 'at most 256 entries',
    })
  })

  it('names the ports field, and nothing for other refusals', () => {
    expect(scanFieldError('invalid field `ports`: bad port 99999', { kind: 'scan_now', ports: '99999' })).toEqual({
      field: 'ports',
      text: 'bad port 99999',
    })
    expect(scanFieldError('agent 1 is revoked: it takes no commands', null)).toBeNull()
    expect(scanFieldError('invalid field `shield`: only scan_now takes targets, ports or shield', null)).toBeNull()
  })
})

describe('command state and progress', () => {
  it('knows which states are final', () => {
    expect(COMMAND_STATES.filter(isFinal)).toEqual(['completed', 'failed', 'expired'])
    expect(COMMAND_STATES.map(stateTone)).toEqual(['', '', '', 'ok', 'danger', 'warn'])
  })

  it('shows phase, hosts found and a clamped, rounded percent while running', () => {
    const running = command(1, { state: 'running', progress: { phase: 'scanning', hosts_found: 17, percent: 42.6 } })
    expect(commandDisplay(running)).toEqual({
      final: false,
      phase: 'scanning',
      hostsFound: 17,
      percent: 43,
      scanId: null,
      assets: null,
      changes: null,
      detail: '',
    })
    expect(commandDisplay({ ...running, progress: { phase: 'scanning', hosts_found: 3, percent: 140 } }).percent).toBe(100)
    // An agent that gives no estimate gets no bar, only its phase and count.
    expect(commandDisplay({ ...running, progress: { phase: 'delivering', hosts_found: 3, percent: null } }).percent).toBeNull()
    expect(commandDisplay({ ...running, progress: null })).toMatchObject({ phase: '', hostsFound: null, percent: null })
  })

  it('shows no progress while queued, and no stale progress once ended', () => {
    expect(commandDisplay(command(1))).toMatchObject({ final: false, percent: null, hostsFound: null, detail: '' })
    const done = command(1, {
      state: 'completed',
      progress: { phase: 'scanning', hosts_found: 40, percent: 90 },
      result: { scan_id: 'scan-1', assets: 40, changes: 2, detail: null },
    })
    expect(commandDisplay(done)).toEqual({
      final: true,
      phase: '',
      hostsFound: null,
      percent: null,
      scanId: 'scan-1',
      assets: 40,
      changes: 2,
      detail: '',
    })
  })

  it('carries the reason of a failure and the note of a command without a scan', () => {
    const failed = command(1, { state: 'failed', result: { detail: 'scan failed: no route to host' } })
    expect(commandDisplay(failed)).toMatchObject({ final: true, detail: 'scan failed: no route to host', scanId: null })
    const reload = command(2, { kind: 'reload_config', state: 'completed', result: { detail: 'configuration v4 in use' } })
    expect(commandDisplay(reload)).toMatchObject({ assets: null, changes: null, detail: 'configuration v4 in use' })
    expect(commandDisplay(command(3, { state: 'expired' }))).toMatchObject({ final: true, detail: '' })
  })
})
