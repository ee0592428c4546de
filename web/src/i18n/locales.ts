// The two languages, browser-language detection and message lookup with {placeholders}.
import { en, type MessageKey } from './en'
import { tr } from './tr'

export type { MessageKey }

export const LOCALES = ['en', 'tr'] as const
export type Locale = (typeof LOCALES)[number]

/** Each language's own name, for the language selector. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', tr: 'Türkçe' }

export const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { en, tr }

export type MessageParams = Record<string, string | number>

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** The first browser language we have ("tr-TR" → tr); English otherwise. */
export function detectLocale(languages: readonly string[]): Locale {
  for (const lang of languages) {
    const base = lang.toLowerCase().split('-')[0]
    if (isLocale(base)) return base
  }
  return 'en'
}

/** `{name}` placeholders filled from `params`; unknown placeholders are left as they are. */
export function interpolate(text: string, params?: MessageParams): string {
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return interpolate(DICTIONARIES[locale][key] ?? en[key] ?? key, params)
}

/** A translation for a key built at run time (e.g. `group.${category}`), or `fallback`. */
export function translateDynamic(locale: Locale, key: string, fallback: string): string {
  const dict = DICTIONARIES[locale] as Record<string, string>
  return dict[key] ?? fallback
}
