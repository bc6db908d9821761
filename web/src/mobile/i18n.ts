// The phone app's vue-i18n: the same locale files as the admin app, but only the language in use
// is loaded (each locale is its own chunk), which keeps the first load small.
import { createI18n } from 'vue-i18n'
import { APP_LOCALES, type AppLocale, type LocaleMessages } from '@/locales/types'

/** The admin app's key: one choice of language for both apps. */
const STORAGE_KEY = 'zg_locale'

function savedLocale(): AppLocale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (saved && (APP_LOCALES as readonly string[]).includes(saved)) return saved as AppLocale
  } catch {
    // storage may be unavailable (private mode)
  }
  return 'zh-CN'
}

export const i18n = createI18n<[LocaleMessages], AppLocale, false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: {} as Record<AppLocale, LocaleMessages>,
  missingWarn: import.meta.env.DEV,
  fallbackWarn: false,
})

const loaders: Record<AppLocale, () => Promise<{ default: LocaleMessages }>> = {
  'zh-CN': () => import('@/locales/zh-CN'),
  en: () => import('@/locales/en'),
}

/** Loads the messages of `locale` (once) and switches to it; the choice is remembered. */
export async function useLocale(locale: AppLocale = savedLocale(), remember = false): Promise<void> {
  if (!i18n.global.availableLocales.includes(locale)) {
    i18n.global.setLocaleMessage(locale, (await loaders[locale]()).default)
  }
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  if (remember) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale)
    } catch {
      // not remembered; still switched
    }
  }
}
