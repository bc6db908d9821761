// The shape every locale must have: the zh-CN messages with every leaf a string.
import type zhCN from './zh-CN'

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> }

export type LocaleMessages = Widen<typeof zhCN>

export type AppLocale = 'zh-CN' | 'en'

export const APP_LOCALES: readonly AppLocale[] = ['zh-CN', 'en']
