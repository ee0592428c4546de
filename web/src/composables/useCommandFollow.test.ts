import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import type { CommandState, CommandView } from '../api'
import { fakeApi, json, type FakeRoutes } from '../test/fakeApi'
import { command } from '../test/fixtures'
import { useCommandFollow } from './useCommandFollow'

const ID = command(1).id
const GET = `GET /api/commands/${ID}`

/** Mounts a component following `start`; the server answers each GET with the next of `answers` (the last repeats). */
function harness(start: CommandView, answers: (CommandView | Response)[], more: FakeRoutes = {}) {
  let asked = 0
  const server = fakeApi({ [GET]: () => answers[Math.min(asked++, answers.length - 1)], ...more })
  let live!: ReturnType<typeof useCommandFollow>
  const Comp = defineComponent({
    setup() {
      live = useCommandFollow(1000)
      live.follow(start)
      return () => h('div')
    },
  })
  const wrapper = mount(Comp, { global: { plugins: [createPinia()] } })
  return { server, live: () => live, wrapper, gets: () => server.callsTo(GET).length }
}

const at = (state: CommandState, patch: Partial<CommandView> = {}) => command(1, { state, ...patch })

describe('useCommandFollow', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks every second while the command runs and stops once it has ended', async () => {
    const running = at('running', { progress: { phase: 'scanning', hosts_found: 5, percent: 20 } })
    const done = at('completed', { result: { scan_id: 's1', assets: 9, changes: 1 } })
    const { live, gets } = harness(at('queued'), [at('acked'), running, done, done])
    expect(gets()).toBe(0)
    expect(live().polling).toBe(true)

    await vi.advanceTimersByTimeAsync(1000)
    expect(gets()).toBe(1)
    expect(live().command?.state).toBe('acked')
    await vi.advanceTimersByTimeAsync(1000)
    expect(live().command?.progress?.hosts_found).toBe(5)
    await vi.advanceTimersByTimeAsync(1000)
    expect(gets()).toBe(3)
    expect(live().command?.state).toBe('completed')
    expect(live().polling).toBe(false)

    await vi.advanceTimersByTimeAsync(10_000)
    expect(gets()).toBe(3) // nothing asked after the final state
  })

  it('never asks about a command that has already ended', async () => {
    const { live, gets } = harness(at('failed', { result: { detail: 'no route' } }), [at('failed')])
    expect(live().polling).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(gets()).toBe(0)
  })

  it('stops when the component goes away', async () => {
    const { wrapper, gets } = harness(at('queued'), [at('queued')])
    await vi.advanceTimersByTimeAsync(2000)
    expect(gets()).toBe(2)
    wrapper.unmount()
    await vi.advanceTimersByTimeAsync(5000)
    expect(gets()).toBe(2)
  })

  it('retries after a passing failure, and stops when the command is gone', async () => {
    const { live, gets } = harness(at('queued'), [
      json(503, { error: 'database busy' }),
      at('running'),
      json(404, { error: 'no such command' }),
      at('running'),
    ])
    await vi.advanceTimersByTimeAsync(1000)
    expect(live().error).toBe('database busy')
    expect(live().polling).toBe(true)
    await vi.advanceTimersByTimeAsync(1000)
    expect(live().error).toBe('')
    expect(live().command?.state).toBe('running')
    await vi.advanceTimersByTimeAsync(1000)
    expect(live().error).toBe('no such command')
    expect(live().polling).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(gets()).toBe(3)
  })

  it('follows a newer command instead of the older one', async () => {
    const other = command(2, { state: 'queued' })
    const { live, server } = harness(at('queued'), [at('queued')], { [`GET /api/commands/${other.id}`]: other })
    await vi.advanceTimersByTimeAsync(1000)
    live().follow(other)
    await vi.advanceTimersByTimeAsync(3000)
    expect(server.callsTo(GET)).toHaveLength(1)
    expect(server.callsTo(`GET /api/commands/${other.id}`)).toHaveLength(3)
  })
})
