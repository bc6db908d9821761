import { describe, expect, it } from 'vitest'
import { fromLonLat, toLonLat, transform } from 'ol/proj'
import { wgs84ToGcj02 } from '@/utils/coords'
import { gcj02Projection, GCJ02_MERCATOR } from './gcjProjection'

describe('the GCJ-02 Mercator projection of GCJ-02 base maps', () => {
  const p = [114.247, 22.72]

  it('puts a WGS-84 point where the GCJ-02 tiles draw it', () => {
    gcj02Projection()
    const onTiles = transform(fromLonLat(p), 'EPSG:3857', GCJ02_MERCATOR)
    const expected = fromLonLat(wgs84ToGcj02(p[0]!, p[1]!))
    expect(onTiles[0]).toBeCloseTo(expected[0]!, 6)
    expect(onTiles[1]).toBeCloseTo(expected[1]!, 6)
    // A few hundred metres of shift in Longgang.
    const shift = Math.hypot(onTiles[0]! - fromLonLat(p)[0]!, onTiles[1]! - fromLonLat(p)[1]!)
    expect(shift).toBeGreaterThan(100)
  })

  it('transforms back onto the WGS-84 point', () => {
    const proj = gcj02Projection()
    expect(gcj02Projection()).toBe(proj)
    const back = toLonLat(transform(transform(fromLonLat(p), 'EPSG:3857', proj), proj, 'EPSG:3857'))
    expect(back[0]).toBeCloseTo(p[0]!, 8)
    expect(back[1]).toBeCloseTo(p[1]!, 8)
    const fromDegrees = transform(transform(p, 'EPSG:4326', proj), proj, 'EPSG:4326')
    expect(fromDegrees[0]).toBeCloseTo(p[0]!, 8)
  })
})
