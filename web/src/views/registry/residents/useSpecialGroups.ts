// 特殊人群 records of one resident: the add form's state, its checks and the body it sends.
import type { FormRules } from 'element-plus'
import type { SpecialGroupInput, SpecialGroupRecord } from '@/api/types'

type Translate = (key: string, named?: Record<string, unknown>) => string
type Callback = (e?: Error) => void

/** The kind whose records need a 类型 (youth_type). */
export const AT_RISK_YOUTH = 'at_risk_youth'

export interface SpecialGroupFormState {
  kind: string
  attention_level: string
  youth_type: string
  detail: string
  /** YYYY-MM-DD or '' */
  since: string
  until: string
}

export const emptySpecialGroupForm = (): SpecialGroupFormState => ({
  kind: '',
  attention_level: '',
  youth_type: '',
  detail: '',
  since: '',
  until: '',
})

/** Blank → null; pickers and cleared selects may leave null behind. */
const opt = (v: string | null | undefined) => (v ?? '').trim() || null

/** The body of POST: blanks left null (the server takes 一般 for no attention level); youth_type only for 重点青少年. */
export function specialGroupBody(s: SpecialGroupFormState): SpecialGroupInput {
  return {
    kind: s.kind,
    attention_level: opt(s.attention_level),
    youth_type: s.kind === AT_RISK_YOUTH ? opt(s.youth_type) : null,
    detail: opt(s.detail),
    since: opt(s.since),
    until: opt(s.until),
  }
}

export function specialGroupRules(t: Translate, form: SpecialGroupFormState): FormRules {
  return {
    kind: [{ required: true, message: t('common.requiredSelect', { field: t('specialGroup.kind') }), trigger: 'change' }],
    youth_type: [
      {
        trigger: 'change',
        validator: (_r: unknown, value: string, cb: Callback) =>
          form.kind === AT_RISK_YOUTH && !value ? cb(new Error(t('specialGroup.youthTypeRequired'))) : cb(),
      },
    ],
    detail: [{ max: 2000, message: t('common.maxLength', { field: t('specialGroup.detail'), max: 2000 }), trigger: 'blur' }],
    until: [
      {
        trigger: 'change',
        validator: (_r: unknown, value: string, cb: Callback) =>
          value && form.since && value < form.since ? cb(new Error(t('specialGroup.untilBeforeSince'))) : cb(),
      },
    ],
  }
}

/** Current records (no end date, or one still to come) first, then ended ones; newest start first. */
export function sortSpecialGroups(rows: readonly SpecialGroupRecord[], today: string): SpecialGroupRecord[] {
  const ended = (r: SpecialGroupRecord) => r.until != null && r.until < today
  return [...rows].sort((a, b) => {
    if (ended(a) !== ended(b)) return ended(a) ? 1 : -1
    return (b.since ?? '').localeCompare(a.since ?? '') || b.id - a.id
  })
}
