import { describe, expect, it } from 'vitest'
import { breakdownRows, circlePolygon, classRows, countRows, COUNT_KEYS, distanceMetres, queryBody, roundArea } from './query'

describe('query counts table', () => {
  it('has the ten counts in the agreed order', () => {
    const rows = countRows({
      residents: 1520,
      migrants: 610,
      special_groups: 12,
      buildings: 48,
      houses: 830,
      rental_houses: 215,
      key_places: 3,
      open_cases: 7,
      overdue_inspections: 4,
      cameras: 9,
    })
    expect(rows).toEqual([
      { key: 'residents', value: 1520 },
      { key: 'migrants', value: 610 },
      { key: 'special_groups', value: 12 },
      { key: 'buildings', value: 48 },
      { key: 'houses', value: 830 },
      { key: 'rental_houses', value: 215 },
      { key: 'key_places', value: 3 },
      { key: 'open_cases', value: 7 },
      { key: 'overdue_inspections', value: 4 },
      { key: 'cameras', value: 9 },
    ])
  })

  it('shows a missing count as 0', () => {
    expect(countRows({ buildings: 2 }).map((r) => r.value)).toEqual([0, 0, 0, 2, 0, 0, 0, 0, 0, 0])
    expect(countRows(null)).toHaveLength(COUNT_KEYS.length)
  })

  it('lists a breakdown largest first, by name, without zeros', () => {
    const rows = breakdownRows({ registered: 3, migrant: 9, foreign: 0, other: 3 }, (c) => `名${c}`)
    expect(rows).toEqual([
      { code: 'migrant', name: '名migrant', value: 9 },
      { code: 'other', name: '名other', value: 3 },
      { code: 'registered', name: '名registered', value: 3 },
    ])
    expect(breakdownRows(undefined)).toEqual([])
  })

  it('lists rental houses by class from green to red, then the unclassified', () => {
    const rows = classRows({ red: 2, unclassified: 7, green: 30, orange: 0, yellow: 5 }, (c) => `级${c}`)
    expect(rows.map((r) => [r.code, r.value])).toEqual([
      ['green', 30],
      ['yellow', 5],
      ['red', 2],
      ['unclassified', 7],
    ])
    expect(rows[0].name).toBe('级green')
    expect(classRows(null)).toEqual([])
  })
})

describe('circle → polygon', () => {
  const circle = { lon: 114.247, lat: 22.72, radius_m: 500 }

  it('is a closed ring of points on the circle', () => {
    const poly = circlePolygon(circle, 64)
    expect(poly.type).toBe('Polygon')
    const ring = poly.coordinates[0]!
    expect(ring).toHaveLength(65)
    expect(ring[64]).toEqual(ring[0])
    for (const p of ring) expect(distanceMetres([circle.lon, circle.lat], [p[0]!, p[1]!])).toBeCloseTo(500, 3)
  })

  it('starts east and runs counter-clockwise (RFC 7946 exterior ring)', () => {
    const ring = circlePolygon(circle, 32).coordinates[0]!
    expect(ring[0]![0]).toBeGreaterThan(circle.lon)
    expect(ring[0]![1]).toBeCloseTo(circle.lat, 4)
    // Shoelace: positive area for counter-clockwise.
    let twice = 0
    for (let i = 0; i < ring.length - 1; i++) twice += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
    expect(twice).toBeGreaterThan(0)
  })

  it('keeps at least 8 vertices', () => {
    expect(circlePolygon(circle, 3).coordinates[0]).toHaveLength(9)
  })
})

describe('query body', () => {
  it('sends a polygon as GeoJSON rounded to 7 decimals', () => {
    const body = queryBody({
      kind: 'polygon',
      geometry: { type: 'Polygon', coordinates: [[[114.123456789, 22.5], [114.2, 22.5], [114.2, 22.6], [114.123456789, 22.5]]] },
    })
    expect(body).toEqual({
      geometry: { type: 'Polygon', coordinates: [[[114.1234568, 22.5], [114.2, 22.5], [114.2, 22.6], [114.1234568, 22.5]]] },
    })
  })

  it('sends a circle as the server circle with whole metres', () => {
    expect(queryBody({ kind: 'circle', circle: { lon: 114.24700001, lat: 22.72, radius_m: 499.6 } })).toEqual({
      circle: { lon: 114.247, lat: 22.72, radius_m: 500 },
    })
    expect(queryBody({ kind: 'circle', circle: { lon: 1, lat: 2, radius_m: 0.2 } })).toMatchObject({ circle: { radius_m: 1 } })
  })

  it('rounds multipolygons too', () => {
    const m = roundArea({ type: 'MultiPolygon', coordinates: [[[[1.000000049, 2], [3, 4], [1.000000049, 2]]]] })
    expect(m.coordinates[0]![0]![0]).toEqual([1, 2])
  })
})
