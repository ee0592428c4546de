import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError } from '../api'
import { useApiData, type ApiData } from './useApiData'

/** Mounts a component using useApiData with a controllable loader. */
async function harness(load: (value: number, signal: AbortSignal) => Promise<string>) {
  const source = ref(1)
  let data!: ApiData<string>
  const Comp = defineComponent({
    setup() {
      data = useApiData(source, load)
      return () => h('div')
    },
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', name: 'home', component: Comp }] })
  await router.push('/')
  const wrapper = mount({ render: () => h(Comp) }, { global: { plugins: [createPinia(), router] } })
  return { source, data: () => data, wrapper }
}

describe('useApiData', () => {
  it('loads, reports readiness, and reloads when the source changes', async () => {
    const { source, data } = await harness(async (v) => `value ${v}`)
    await flushPromises()
    expect(data().data).toBe('value 1')
    expect(data().ready).toBe(true)
    source.value = 2
    await flushPromises()
    expect(data().data).toBe('value 2')
  })

  it('aborts an older load so a slow answer never overwrites a newer one', async () => {
    const pending: { value: number; signal: AbortSignal; resolve: (s: string) => void }[] = []
    const { source, data } = await harness((value, signal) => new Promise((resolve) => pending.push({ value, signal, resolve })))
    source.value = 2
    await nextTick()
    expect(pending[0]!.signal.aborted).toBe(true)
    pending[1]!.resolve('new')
    await flushPromises()
    pending[0]!.resolve('old')
    await flushPromises()
    expect(data().data).toBe('new')
    expect(data().ready).toBe(true)

    source.value = 3 // a reload: not ready until it answers, but the old data stays
    await nextTick()
    expect(data().ready).toBe(false)
    expect(data().data).toBe('new')
  })

  it('turns failures into messages and keeps the last data', async () => {
    let fail = false
    const { source, data } = await harness(async (v) => {
      if (fail) throw new ApiError(0, 'cannot reach the bigr server')
      return `value ${v}`
    })
    await flushPromises()
    fail = true
    source.value = 2
    await flushPromises()
    expect(data().error).toBe('Cannot reach the bigr server.')
    expect(data().data).toBe('value 1')
    expect(data().ready).toBe(true)
  })

  it('aborts the request when the component goes away', async () => {
    let signal: AbortSignal | undefined
    const { wrapper } = await harness((_, s) => {
      signal = s
      return new Promise(() => undefined)
    })
    wrapper.unmount()
    expect(signal!.aborted).toBe(true)
  })
})
