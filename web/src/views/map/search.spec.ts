import { describe, expect, it } from 'vitest'
import { flyTarget, searchQuery } from './search'

describe('search', () => {
  it('fits a result with a box, and zooms to 18 on a point', () => {
    expect(flyTarget({ lon: 114.25, lat: 22.72, bbox: [114.24, 22.71, 114.26, 22.73] })).toEqual({
      kind: 'extent',
      bbox: [114.24, 22.71, 114.26, 22.73],
      maxZoom: 18,
    })
    expect(flyTarget({ lon: 114.25, lat: 22.72, bbox: null })).toEqual({ kind: 'point', center: [114.25, 22.72], zoom: 18 })
  })

  it('treats a box that is a point as the point', () => {
    expect(flyTarget({ lon: 1, lat: 2, bbox: [1, 2, 1, 2] }).kind).toBe('point')
    expect(flyTarget({ lon: 1, lat: 2, bbox: [1, 2, Number.NaN, 3] }).kind).toBe('point')
  })

  it('sends only a query with something in it', () => {
    expect(searchQuery('  良安田 ')).toBe('良安田')
    expect(searchQuery('   ')).toBeNull()
    expect(searchQuery(undefined)).toBeNull()
  })
})
