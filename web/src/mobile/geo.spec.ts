import { describe, expect, it } from 'vitest'
import { accuracyText, distanceM, distanceText } from './geo'

const t = (key: string, named?: Record<string, unknown>) => `${key}:${JSON.stringify(named ?? {})}`

describe('GPS texts', () => {
  it('shows the accuracy in whole metres below 1 km, at least 1', () => {
    expect(accuracyText(8.4, t)).toBe('mobile.report.accuracy:{"m":8}')
    expect(accuracyText(0.2, t)).toBe('mobile.report.accuracy:{"m":1}')
    expect(accuracyText(999.4, t)).toBe('mobile.report.accuracy:{"m":999}')
  })
  it('shows tenths of a km from 1 km', () => {
    expect(accuracyText(1000, t)).toBe('mobile.report.accuracyKm:{"km":"1.0"}')
    expect(accuracyText(2460, t)).toBe('mobile.report.accuracyKm:{"km":"2.5"}')
  })
  it('shows nothing for an unknown accuracy', () => {
    for (const v of [null, undefined, NaN, -1, Infinity]) expect(accuracyText(v, t)).toBe('')
  })
  it('writes distances the same way', () => {
    expect(distanceText(349.6, t)).toBe('mobile.distanceM:{"n":350}')
    expect(distanceText(1240, t)).toBe('mobile.distanceKm:{"n":"1.2"}')
  })
})

describe('distance', () => {
  it('is about 111 km per degree of latitude and 0 for the same point', () => {
    expect(distanceM({ lon: 114, lat: 22 }, { lon: 114, lat: 23 })).toBeCloseTo(111_195, -2)
    expect(distanceM({ lon: 114.1, lat: 22.6 }, { lon: 114.1, lat: 22.6 })).toBe(0)
  })
  it('shrinks a degree of longitude by the cosine of the latitude', () => {
    const d = distanceM({ lon: 114, lat: 22.5 }, { lon: 114.001, lat: 22.5 })
    expect(d).toBeGreaterThan(102)
    expect(d).toBeLessThan(103)
  })
})
