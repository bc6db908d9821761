import { describe, expect, it } from 'vitest'
import type { Thematic } from '@/api/types'
import {
  classOf,
  fillOf,
  formatBreak,
  legendRows,
  lookupValue,
  NO_DATA_COLOR,
  RAMP,
  rampColors,
  thematicPaint,
  valueIndex,
} from './thematic'

const luminance = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
  return 0.299 * r! + 0.587 * g! + 0.114 * b!
}

describe('the colour ramp', () => {
  it('goes from light to dark', () => {
    for (const n of [2, 3, 4, 5, 6, 7]) {
      const colors = rampColors(n)
      expect(colors).toHaveLength(n)
      for (let i = 1; i < n; i++) expect(luminance(colors[i]!)).toBeLessThan(luminance(colors[i - 1]!))
      expect(colors[0]).toBe(RAMP[0])
      expect(colors[n - 1]).toBe(RAMP[RAMP.length - 1])
    }
    expect(rampColors(5)).toEqual([...RAMP])
    expect(rampColors(1)).toHaveLength(1)
    expect(rampColors(0)).toEqual([])
  })
})

describe('class of a value', () => {
  const breaks = [0, 10, 20, 30, 40, 50]

  it('puts b[i] ≤ v < b[i+1] in class i, the top break in the last class', () => {
    expect(classOf(0, breaks)).toBe(0)
    expect(classOf(9.99, breaks)).toBe(0)
    expect(classOf(10, breaks)).toBe(1)
    expect(classOf(29, breaks)).toBe(2)
    expect(classOf(40, breaks)).toBe(4)
    expect(classOf(50, breaks)).toBe(4)
  })

  it('clamps values outside the breaks and has no class for no value', () => {
    expect(classOf(-3, breaks)).toBe(0)
    expect(classOf(75, breaks)).toBe(4)
    expect(classOf(null, breaks)).toBe(-1)
    expect(classOf(undefined, breaks)).toBe(-1)
    expect(classOf(Number.NaN, breaks)).toBe(-1)
    expect(classOf(5, [])).toBe(-1)
    expect(classOf(5, [3])).toBe(-1)
  })

  it('skips an empty class of equal breaks', () => {
    expect(classOf(10, [0, 10, 10, 20])).toBe(2)
    expect(legendRows([0, 10, 10, 20]).map((r) => r.label)).toEqual(['0 – 10', '10 – 20'])
  })
})

describe('legend', () => {
  it('has one row per class with its range and colour', () => {
    const rows = legendRows([0, 120, 300, 800, 1500, 4200])
    expect(rows.map((r) => r.label)).toEqual(['0 – 120', '120 – 300', '300 – 800', '800 – 1500', '1500 – 4200'])
    expect(rows.map((r) => r.color)).toEqual([...RAMP])
    expect(rows[2]).toMatchObject({ from: 300, to: 800 })
  })

  it('writes fractions with at most two decimals', () => {
    expect(formatBreak(12)).toBe('12')
    expect(formatBreak(12.5)).toBe('12.5')
    expect(formatBreak(33.3333)).toBe('33.33')
    expect(formatBreak(0.1 + 0.2)).toBe('0.3')
    expect(legendRows([0, 12.345, 50]).map((r) => r.label)).toEqual(['0 – 12.35', '12.35 – 50'])
  })

  it('has no rows without breaks', () => {
    expect(legendRows([])).toEqual([])
  })
})

describe('value lookup by feature id', () => {
  const index = valueIndex([
    { id: 7, code: '44030700300201', name: '第01网格', value: 1200 },
    { id: 8, code: '44030700300202', name: '第02网格', value: null },
  ])

  it('finds numeric and string ids', () => {
    expect(lookupValue(index, 7)).toBe(1200)
    expect(lookupValue(index, '7')).toBe(1200)
  })

  it('has no value for unknown, null-valued or missing ids', () => {
    expect(lookupValue(index, 8)).toBeNull()
    expect(lookupValue(index, 99)).toBeNull()
    expect(lookupValue(index, undefined)).toBeNull()
    expect(lookupValue(index, '')).toBeNull()
    expect(lookupValue(index, 'abc')).toBeNull()
  })
})

describe('thematic fill of a tile feature', () => {
  const answer = (level: 'grid' | 'community'): Thematic => ({
    level,
    metric: 'residents',
    title: '实有人口',
    unit: '人',
    values: [
      { id: 1, code: 'a', name: 'A', value: 5 },
      { id: 2, code: 'b', name: 'B', value: 45 },
    ],
    breaks: [0, 10, 20, 30, 40, 50],
  })

  it('colours grids by class, grey without a value, nothing in other layers', () => {
    const paint = thematicPaint(answer('grid'))
    expect(paint.layer).toBe('grids')
    expect(fillOf(paint, 'grids', 1)).toBe(RAMP[0])
    expect(fillOf(paint, 'grids', 2)).toBe(RAMP[4])
    expect(fillOf(paint, 'grids', 3)).toBe(NO_DATA_COLOR)
    expect(fillOf(paint, 'grids', 4)).toBe(NO_DATA_COLOR)
    expect(fillOf(paint, 'divisions', 1, 'community')).toBeNull()
    expect(fillOf(null, 'grids', 1)).toBeNull()
  })

  it('colours only the community polygons of the divisions layer at community level', () => {
    const paint = thematicPaint(answer('community'))
    expect(paint.layer).toBe('divisions')
    expect(fillOf(paint, 'divisions', 2, 'community')).toBe(RAMP[4])
    expect(fillOf(paint, 'divisions', 2, 'subdistrict')).toBeNull()
    expect(fillOf(paint, 'grids', 2)).toBeNull()
  })
})
