import { describe, expect, it } from 'vitest'
import { bd09ToGcj02, gcj02ToBd09, gcj02ToWgs84, outOfChina, wgs84ToGcj02, type LonLat } from './coords'

/** Within `eps` degrees on both axes (1e-12° is about 0.1 µm). */
function expectClose(actual: LonLat, expected: LonLat, eps = 1e-12) {
  expect(Math.abs(actual[0] - expected[0]), `lon ${actual[0]} vs ${expected[0]}`).toBeLessThan(eps)
  expect(Math.abs(actual[1] - expected[1]), `lat ${actual[1]} vs ${expected[1]}`).toBeLessThan(eps)
}

/** Metres between two nearby points (equirectangular; plenty for a few kilometres). */
function metres([x1, y1]: LonLat, [x2, y2]: LonLat): number {
  const k = (Math.PI / 180) * 6371008.8
  return Math.hypot((x2 - x1) * k * Math.cos(((y1 + y2) / 2) * (Math.PI / 180)), (y2 - y1) * k)
}

describe('coordinate transforms', () => {
  // The known points of the coordtransform library's own tests (also in zongguan-core's coords.rs).
  it('shifts WGS-84 to GCJ-02 as coordtransform does', () => {
    expectClose(wgs84ToGcj02(116.404, 39.915), [116.41024449916938, 39.91640428150164])
  })

  it('converts GCJ-02 to BD-09 and back as coordtransform does', () => {
    expectClose(gcj02ToBd09(116.404, 39.915), [116.41036949371029, 39.92133699351021])
    expectClose(bd09ToGcj02(116.404, 39.915), [116.39762729119315, 39.90865673957631])
    // BD-09 → GCJ-02 is coordtransform's approximate inverse: back within a few centimetres.
    expect(metres(bd09ToGcj02(...gcj02ToBd09(114.247, 22.72)), [114.247, 22.72])).toBeLessThan(0.1)
  })

  it('inverts GCJ-02 by iteration exactly back onto the input', () => {
    const w = gcj02ToWgs84(116.404, 39.915)
    // coordtransform's one-step inverse answers (116.39775550083061, 39.91359571849836); the
    // iteration lands within a couple of metres of it, and exactly on the point that shifts back.
    expectClose(w, [116.39775550083061, 39.91359571849836], 2e-5)
    expectClose(wgs84ToGcj02(...w), [116.404, 39.915], 1e-9)
  })

  it('round-trips in Longgang with a shift of a few hundred metres', () => {
    const p: LonLat = [114.247, 22.72]
    const g = wgs84ToGcj02(...p)
    const shift = metres(p, g)
    expect(shift).toBeGreaterThan(100)
    expect(shift).toBeLessThan(1500)
    expectClose(gcj02ToWgs84(...g), p, 1e-8)
  })

  it('does not shift points outside China', () => {
    for (const p of [
      [2.35, 48.85],
      [-74.0, 40.7],
      [139.69, 35.69],
      [151.21, -33.87],
    ] as LonLat[]) {
      expect(outOfChina(...p)).toBe(true)
      expect(wgs84ToGcj02(...p)).toEqual(p)
      expect(gcj02ToWgs84(...p)).toEqual(p)
    }
    expect(outOfChina(114.247, 22.72)).toBe(false)
  })
})
