// Small typed i18n: two dictionaries (en.ts, tr.ts) with identical keys, and `useI18n()` for
// components. The language lives in the preferences store.
import { computed } from 'vue'
import { usePreferencesStore } from '../stores/preferences'
import { translate, translateDynamic, type MessageKey, type MessageParams } from './locales'

export * from './locales'

export function useI18n() {
  const prefs = usePreferencesStore()
  const t = (key: MessageKey, params?: MessageParams): string => translate(prefs.locale, key, params)
  /** Label of a value the server sends (group, device type, state…), or the value itself. */
  const label = (prefix: string, value: string | null | undefined): string =>
    value ? translateDynamic(prefs.locale, `${prefix}.${value}`, value.replace(/_/g, ' ')) : '—'
  const group = (key: string | null | undefined): string => label('group', key || 'unclassified')
  return { t, label, group, locale: computed(() => prefs.locale) }
}
