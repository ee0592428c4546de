import { describe, expect, it } from 'vitest'
import { configState, countByState } from './agents'

describe('configState', () => {
  it('is applied when the agent runs the site version', () => {
    expect(configState({ config_version: 4, site_config_version: 4 })).toEqual({ kind: 'applied', version: 4 })
  })

  it('is pending, with the version the agent still runs, when it is behind', () => {
    expect(configState({ config_version: 2, site_config_version: 4 })).toEqual({ kind: 'pending', version: 4, running: 2 })
    expect(configState({ config_version: 0, site_config_version: 1 })).toEqual({ kind: 'pending', version: 1, running: 0 })
    // An older agent that never said which version it runs.
    expect(configState({ config_version: null, site_config_version: 4 })).toEqual({ kind: 'pending', version: 4, running: null })
    expect(configState({ site_config_version: 4 })).toEqual({ kind: 'pending', version: 4, running: null })
  })

  it('is none when the site has no configuration', () => {
    expect(configState({ config_version: null, site_config_version: 0 })).toEqual({ kind: 'none' })
    expect(configState({ config_version: 3, site_config_version: 0 })).toEqual({ kind: 'none' })
  })
})

describe('countByState', () => {
  it('lists every state, 0 when none', () => {
    expect(countByState([{ state: 'online' }, { state: 'online' }, { state: 'revoked' }])).toEqual([
      ['online', 2],
      ['stale', 0],
      ['offline', 0],
      ['pending', 0],
      ['revoked', 1],
    ])
  })
})
