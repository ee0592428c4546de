import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { detectLocale, isLocale, type Locale } from '../i18n/locales'

export type Theme = 'light' | 'dark'

const LOCALE_KEY = 'bigr.locale'
const THEME_KEY = 'bigr.theme'

/** localStorage may be unavailable (privacy mode, disabled storage): never let that break the app. */
function readStorage(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null
  } catch {
    return null
  }
}

function writeStorage(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value)
  } catch {
    // Not remembered across reloads; the choice still applies now.
  }
}

function systemTheme(): Theme {
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

/**
 * Language and colour theme. Defaults come from the browser (navigator.languages,
 * prefers-color-scheme); an explicit choice is remembered in localStorage. The store applies
 * both to <html> (lang, data-theme) so CSS and screen readers follow.
 */
export const usePreferencesStore = defineStore('preferences', () => {
  const storedLocale = readStorage(LOCALE_KEY)
  const locale = ref<Locale>(isLocale(storedLocale) ? storedLocale : detectLocale(globalThis.navigator?.languages ?? []))
  const storedTheme = readStorage(THEME_KEY)
  const theme = ref<Theme>(storedTheme === 'dark' || storedTheme === 'light' ? storedTheme : systemTheme())

  function setLocale(value: Locale): void {
    locale.value = value
    writeStorage(LOCALE_KEY, value)
  }

  function setTheme(value: Theme): void {
    theme.value = value
    writeStorage(THEME_KEY, value)
  }

  function toggleTheme(): void {
    setTheme(theme.value === 'dark' ? 'light' : 'dark')
  }

  watch(
    locale,
    (value) => {
      if (typeof document !== 'undefined') document.documentElement.lang = value
    },
    { immediate: true },
  )
  watch(
    theme,
    (value) => {
      if (typeof document !== 'undefined') document.documentElement.dataset.theme = value
    },
    { immediate: true },
  )

  return { locale, theme, setLocale, setTheme, toggleTheme }
})
