import { describe, expect, it } from 'vitest'
import { MAX_BYTES, fitWithin, jpegName, nextTry } from './compress'

describe('fitWithin', () => {
  it('scales the long side down to 1600 px, keeping the shape', () => {
    expect(fitWithin({ width: 4032, height: 3024 })).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin({ width: 3024, height: 4032 })).toEqual({ width: 1200, height: 1600 })
  })
  it('never scales up', () => {
    expect(fitWithin({ width: 800, height: 600 })).toEqual({ width: 800, height: 600 })
  })
})

describe('nextTry', () => {
  const s = { width: 1600, height: 1200 }
  it('stops once the file is at most 500 kB', () => {
    expect(nextTry(s, 0.82, MAX_BYTES)).toBeNull()
    expect(nextTry(s, 0.82, 1000)).toBeNull()
  })
  it('lowers the quality first', () => {
    expect(nextTry(s, 0.82, 700_000)).toEqual({ size: s, quality: 0.67 })
    expect(nextTry(s, 0.6, 700_000)).toEqual({ size: s, quality: 0.5 })
  })
  it('then shrinks the sides by the square root of the size ratio, with a margin', () => {
    const next = nextTry(s, 0.5, 4 * MAX_BYTES)!
    expect(next.quality).toBe(0.5)
    expect(next.size).toEqual({ width: 720, height: 540 })
    // The area, and so about the size, falls below the target.
    const area = (next.size.width * next.size.height) / (s.width * s.height)
    expect(area * 4 * MAX_BYTES).toBeLessThan(MAX_BYTES)
  })
})

describe('jpegName', () => {
  it('keeps the name with .jpg, or makes one', () => {
    expect(jpegName('IMG_0001.HEIC')).toBe('IMG_0001.jpg')
    expect(jpegName('', new Date(5))).toBe('photo-5.jpg')
  })
})
