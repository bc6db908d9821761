import { describe, expect, it } from 'vitest'
import { heatPoints, isoDate, lastDays } from './heat'

describe('heatmap', () => {
  it('defaults to the last 30 days, today included', () => {
    expect(lastDays(30, new Date(2026, 2, 15, 18, 30))).toEqual(['2026-02-14', '2026-03-15'])
    expect(lastDays(1, new Date(2026, 0, 1))).toEqual(['2026-01-01', '2026-01-01'])
    expect(lastDays(30, new Date(2026, 0, 10))).toEqual(['2025-12-12', '2026-01-10'])
    expect(isoDate(new Date(2026, 8, 5))).toBe('2026-09-05')
  })

  it('scales weights by the maximum and drops broken points', () => {
    const pts = heatPoints({
      points: [
        [114.1, 22.6, 4],
        [114.2, 22.7, 1],
        [Number.NaN, 22.7, 1],
      ],
      max: 4,
    })
    expect(pts).toEqual([
      { lon: 114.1, lat: 22.6, weight: 1 },
      { lon: 114.2, lat: 22.7, weight: 0.25 },
    ])
  })

  it('finds the maximum itself when the answer has none', () => {
    expect(heatPoints({ points: [[1, 2, 2], [1, 2, 1]], max: 0 }).map((p) => p.weight)).toEqual([1, 0.5])
    expect(heatPoints({ points: [[1, 2, 0]], max: 0 })[0]!.weight).toBe(1)
  })
})
