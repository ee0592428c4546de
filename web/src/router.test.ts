import { describe, expect, it } from 'vitest'
import { safeRedirect } from './router'

describe('safeRedirect', () => {
  it('follows paths inside the app', () => {
    expect(safeRedirect('/assets?category=iot')).toBe('/assets?category=iot')
    expect(safeRedirect('/')).toBe('/')
  })

  it('refuses anything that could leave the site', () => {
    for (const bad of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '',
      undefined,
      ['/a'],
    ]) {
      expect(safeRedirect(bad)).toBe('/')
    }
  })
})
