// Shared by 物业公司, 重点场所 and 重点企业: the empty filter bar, the body's blank-to-null helpers
// and the client-side checks the three forms have in common, with the server's limits.
import type { FormItemRule } from 'element-plus'
import type { PlaceFilters } from '@/api/registry'
import { isValidCreditCode } from '@/utils/creditCode'
import { isValidPhone, normalizePhone } from '@/utils/phone'

export type Translate = (key: string, named?: Record<string, unknown>) => string
type Callback = (e?: Error) => void

export const emptyPlaceFilters = (): PlaceFilters => ({ org_unit_id: null, kind: '', q: '' })

/** Blank text → null (the server stores it empty). */
export const opt = (v: string | null | undefined) => (v ?? '').trim() || null
/** A typed phone without spaces, or null (which clears the stored phone). */
export const optPhone = (v: string | null | undefined) => opt(normalizePhone(v ?? ''))

export const required = (t: Translate, label: string): FormItemRule => ({
  required: true,
  message: t('common.required', { field: label }),
  trigger: 'blur',
})
export const requiredSelect = (t: Translate, label: string): FormItemRule => ({
  required: true,
  message: t('common.requiredSelect', { field: label }),
  trigger: 'change',
})
export const maxLen = (t: Translate, label: string, max: number): FormItemRule => ({
  max,
  message: t('common.maxLength', { field: label, max }),
  trigger: 'blur',
})

/** Optional; when typed, 18 characters with the right GB 32100 check character. */
export const creditCodeRule = (t: Translate): FormItemRule => ({
  trigger: 'blur',
  validator: (_r: unknown, value: string | null | undefined, cb: Callback) =>
    !value?.trim() || isValidCreditCode(value) ? cb() : cb(new Error(t('place.creditCodeFormat'))),
})

export const phoneRule = (t: Translate): FormItemRule => ({
  trigger: 'blur',
  validator: (_r: unknown, value: string | null | undefined, cb: Callback) =>
    !value?.trim() || isValidPhone(value) ? cb() : cb(new Error(t('place.phoneFormat'))),
})

/** Optional coordinates within China's extent, as the server checks them. */
export const rangeRule = (message: string, min: number, max: number): FormItemRule => ({
  trigger: 'blur',
  validator: (_r: unknown, value: number | null | undefined, cb: Callback) =>
    value == null || (value >= min && value <= max) ? cb() : cb(new Error(message)),
})
export const lonRule = (t: Translate) => rangeRule(t('place.lonRange'), 73, 136)
export const latRule = (t: Translate) => rangeRule(t('place.latRange'), 3, 54)
