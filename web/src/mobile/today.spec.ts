import { describe, expect, it } from 'vitest'
import { mobileLink, rankHouses } from './today'

const house = (id: number, building_id: number, next_due_on: string | null) => ({
  id,
  building_id,
  next_due_on,
  due_status: 'due',
})

describe('rankHouses', () => {
  const houses = [house(1, 10, '2026-03-01'), house(2, 20, '2026-01-01'), house(3, 30, null), house(4, 99, '2025-12-01')]
  const positions = new Map([
    [10, { lon: 114.0, lat: 22.5 }],
    [20, { lon: 114.02, lat: 22.5 }],
    [30, { lon: 114.01, lat: 22.5 }],
  ])
  it('puts the nearest first with a fix, unplaced houses last', () => {
    const r = rankHouses(houses, positions, { lon: 114.0, lat: 22.5 })
    expect(r.map((x) => x.house.id)).toEqual([1, 3, 2, 4])
    expect(r[0]!.distance).toBe(0)
    expect(r[3]!.distance).toBeNull()
  })
  it('orders by due date without a fix, never scheduled first', () => {
    expect(rankHouses(houses, positions, null).map((x) => x.house.id)).toEqual([3, 4, 2, 1])
  })
})

describe('mobileLink', () => {
  it('opens cases in the phone app and leaves other links to the admin app', () => {
    expect(mobileLink('/cases/12')).toBe('/cases/12')
    expect(mobileLink('/cases/12?tab=timeline')).toBe('/cases/12')
    expect(mobileLink('/cases/inbox')).toBeNull()
    expect(mobileLink('/governance/rental')).toBeNull()
    expect(mobileLink(null)).toBeNull()
  })
})
