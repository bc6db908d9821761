import { describe, expect, it } from 'vitest'
import { caseQuery, statsQuery, type CaseFilters } from './cases'

const blank: CaseFilters = {
  states: [],
  item_code: '',
  org_unit_id: null,
  department_code: '',
  overdue: false,
  source: '',
  dates: null,
}

describe('caseQuery', () => {
  it('sends nothing for an empty filter bar', () => {
    expect(caseQuery(blank)).toEqual({})
  })

  it('sends every filter that is set; states joined by commas', () => {
    expect(
      caseQuery({
        states: ['reported', 'accepted'],
        item_code: '0101',
        org_unit_id: 13,
        department_code: ' 440307003-01 ',
        overdue: true,
        source: 'phone',
        dates: ['2026-11-01', '2026-11-26'],
      }),
    ).toEqual({
      state: 'reported,accepted',
      item_code: '0101',
      org_unit_id: 13,
      department_code: '440307003-01',
      overdue: true,
      source: 'phone',
      date_from: '2026-11-01',
      date_to: '2026-11-26',
    })
  })

  it('turns a backwards date range round and leaves "not overdue" unsent', () => {
    expect(caseQuery({ ...blank, dates: ['2026-11-26', '2026-11-01'] })).toEqual({
      date_from: '2026-11-01',
      date_to: '2026-11-26',
    })
  })
})

describe('statsQuery', () => {
  it('sends the unit and the range', () => {
    expect(statsQuery({ org_unit_id: null, dates: null })).toEqual({})
    expect(statsQuery({ org_unit_id: 2, dates: ['2026-01-01', '2026-12-31'] })).toEqual({
      org_unit_id: 2,
      date_from: '2026-01-01',
      date_to: '2026-12-31',
    })
  })
})
