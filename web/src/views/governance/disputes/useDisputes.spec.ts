import { describe, expect, it } from 'vitest'
import { disputeQuery } from '@/api/disputes'
import { disputeBody, emptyDisputeForm, emptyDisputeFilters, looksLikeIdNumber } from './useDisputes'

describe('dispute form and filters', () => {
  it('sends residents by id only and organisations by name', () => {
    const s = emptyDisputeForm()
    s.dispute_type = 'neighbourhood'
    s.summary = '噪音扰民'
    s.org_unit_id = 7
    s.parties = [
      { role: 'applicant', kind: 'resident', resident_id: 42, label: '张三（440307********123X）', org_name: '', credit_code: '' },
      { role: 'respondent', kind: 'organisation', resident_id: null, label: '', org_name: ' 某物业公司 ', credit_code: '' },
    ]
    const body = disputeBody(s)
    expect(body.parties).toEqual([
      { role: 'applicant', resident_id: 42 },
      { role: 'respondent', org_name: ' 某物业公司 ', credit_code: null },
    ])
    expect(body.demand).toBeNull()
    expect(body.org_unit_id).toBe(7)
  })

  it('leaves blank filters out of the query', () => {
    expect(disputeQuery(emptyDisputeFilters())).toEqual({})
    expect(disputeQuery({ ...emptyDisputeFilters(), state: 'closed', overdue: true, q: ' JF2026-000001 ' })).toEqual({
      state: 'closed',
      overdue: true,
      q: 'JF2026-000001',
    })
  })

  it('tells an identity number from a name', () => {
    expect(looksLikeIdNumber('44030719800101123X')).toBe(true)
    expect(looksLikeIdNumber('张三')).toBe(false)
  })
})
