import { describe, expect, it } from 'vitest'
import type { SpecialGroupRecord } from '@/api/types'
import {
  emptySpecialGroupForm,
  sortSpecialGroups,
  specialGroupBody,
  specialGroupRules,
  type SpecialGroupFormState,
} from './useSpecialGroups'

const t = (key: string) => key

type Validator = (rule: unknown, value: unknown, cb: (e?: Error) => void) => void
function check(form: SpecialGroupFormState, field: 'youth_type' | 'until'): string | undefined {
  const rules = specialGroupRules(t, form)[field] as { validator: Validator }[]
  let out: string | undefined
  rules[0]!.validator({}, form[field], (e) => (out = e?.message))
  return out
}

describe('special group form', () => {
  it('sends blanks as null and the youth type only for at-risk youth', () => {
    expect(specialGroupBody({ ...emptySpecialGroupForm(), kind: 'drug_user', youth_type: 'idle' })).toEqual({
      kind: 'drug_user',
      attention_level: null,
      youth_type: null,
      detail: null,
      since: null,
      until: null,
    })
    expect(
      specialGroupBody({
        kind: 'at_risk_youth',
        attention_level: 'medium',
        youth_type: 'idle',
        detail: '  辍学在家 ',
        since: '2025-01-01',
        until: '',
      }),
    ).toEqual({
      kind: 'at_risk_youth',
      attention_level: 'medium',
      youth_type: 'idle',
      detail: '辍学在家',
      since: '2025-01-01',
      until: null,
    })
  })

  it('asks for the type of at-risk youth only', () => {
    expect(check({ ...emptySpecialGroupForm(), kind: 'at_risk_youth' }, 'youth_type')).toBe('specialGroup.youthTypeRequired')
    expect(check({ ...emptySpecialGroupForm(), kind: 'at_risk_youth', youth_type: 'vagrant' }, 'youth_type')).toBeUndefined()
    expect(check({ ...emptySpecialGroupForm(), kind: 'drug_user' }, 'youth_type')).toBeUndefined()
  })

  it('refuses an end date before the start date', () => {
    const f = { ...emptySpecialGroupForm(), kind: 'drug_user', since: '2025-03-01', until: '2025-01-01' }
    expect(check(f, 'until')).toBe('specialGroup.untilBeforeSince')
    expect(check({ ...f, until: '2025-03-01' }, 'until')).toBeUndefined()
    expect(check({ ...f, since: '' }, 'until')).toBeUndefined()
  })

  it('lists current records before ended ones, newest first', () => {
    const r = (id: number, since: string | null, until: string | null): SpecialGroupRecord => ({
      id,
      resident_id: 1,
      kind: 'drug_user',
      attention_level: 'general',
      youth_type: '',
      detail: '',
      since,
      until,
    })
    const rows = [r(1, '2020-01-01', '2021-01-01'), r(2, null, null), r(3, '2024-05-01', null), r(4, '2023-01-01', '2030-01-01')]
    expect(sortSpecialGroups(rows, '2026-01-01').map((x) => x.id)).toEqual([3, 4, 2, 1])
  })
})
