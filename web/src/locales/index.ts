// vue-i18n set-up: zh-CN by default, English on request; the choice is remembered.
import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'
import { APP_LOCALES, type AppLocale, type LocaleMessages } from './types'

const STORAGE_KEY = 'zg_locale'

function initialLocale(): AppLocale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (saved && (APP_LOCALES as readonly string[]).includes(saved)) return saved as AppLocale
  } catch {
    // storage may be unavailable (private mode, tests)
  }
  return 'zh-CN'
}

export const i18n = createI18n<[LocaleMessages], AppLocale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: import.meta.env.DEV,
  fallbackWarn: false,
})

export function currentLocale(): AppLocale {
  return i18n.global.locale.value
}

export function setLocale(locale: AppLocale) {
  i18n.global.locale.value = locale
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale)
  } catch {
    // not remembered; still switched
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

export type { AppLocale }
