import { describe, expect, it } from 'vitest'
import type { UnitSummary } from '@/api/types'
import { sumSummaries } from './useSummary'

const unit = (id: number, extra: Partial<UnitSummary>): UnitSummary => ({
  org_unit_id: id,
  code: String(id),
  name: `U${id}`,
  residents: 0,
  by_registration_type: {},
  by_gender: {},
  by_age_band: {},
  houses: 0,
  houses_by_use: {},
  rental_houses: 0,
  buildings: 0,
  ...extra,
})

describe('sumSummaries', () => {
  it('adds up the counts and the breakdowns, keys missing in some units included', () => {
    const t = sumSummaries([
      unit(1, { residents: 31, buildings: 4, houses: 24, rental_houses: 9, by_gender: { male: 16, female: 15 }, by_registration_type: { migrant: 22, registered: 9 } }),
      unit(2, { residents: 5, buildings: 1, houses: 2, rental_houses: 0, by_gender: { female: 5 }, by_registration_type: { foreign: 5 }, by_age_band: { '60+': 5 } }),
    ])
    expect(t.residents).toBe(36)
    expect(t.buildings).toBe(5)
    expect(t.houses).toBe(26)
    expect(t.rental_houses).toBe(9)
    expect(t.by_gender).toEqual({ male: 16, female: 20 })
    expect(t.by_registration_type).toEqual({ migrant: 22, registered: 9, foreign: 5 })
    expect(t.by_age_band).toEqual({ '60+': 5 })
  })

  it('is all zero for no units', () => {
    expect(sumSummaries([]).residents).toBe(0)
    expect(sumSummaries([]).by_gender).toEqual({})
  })
})
