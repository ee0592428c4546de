import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { usePreferencesStore } from './preferences'

function prefersDark(dark: boolean): void {
  vi.stubGlobal('matchMedia', (query: string) => ({ matches: dark && query.includes('dark'), media: query }))
}

describe('preferences store', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })
  afterEach(() => localStorage.clear())

  it('defaults the language from the browser', () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['tr-TR', 'en'])
    expect(usePreferencesStore().locale).toBe('tr')
  })

  it('defaults the theme from prefers-color-scheme and applies it to <html>', () => {
    prefersDark(true)
    const prefs = usePreferencesStore()
    expect(prefs.theme).toBe('dark')
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('remembers explicit choices across reloads', async () => {
    prefersDark(false)
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US'])
    const prefs = usePreferencesStore()
    prefs.setLocale('tr')
    prefs.toggleTheme()
    await nextTick()
    expect(document.documentElement.lang).toBe('tr')
    expect(document.documentElement.dataset.theme).toBe('dark')

    setActivePinia(createPinia()) // a reload: a fresh store reads localStorage
    const again = usePreferencesStore()
    expect(again.locale).toBe('tr')
    expect(again.theme).toBe('dark')
  })

  it('ignores garbage in localStorage', () => {
    prefersDark(false)
    localStorage.setItem('bigr.locale', 'klingon')
    localStorage.setItem('bigr.theme', 'neon')
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en'])
    const prefs = usePreferencesStore()
    expect(prefs.locale).toBe('en')
    expect(prefs.theme).toBe('light')
  })
})
