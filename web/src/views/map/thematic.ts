// 专题图: the server's class breaks turned into colours, legend rows and the fill of each tile
// feature by its id. Class i holds b[i] ≤ v < b[i+1]; the last class also holds its upper bound.
import type { MapLayerName, Thematic, ThematicValue } from '@/api/types'

/** A sequential ramp, light to dark (ColorBrewer OrRd, 5 classes). */
export const RAMP = ['#fef0d9', '#fdcc8a', '#fc8d59', '#e34a33', '#b30000'] as const
/** Polygons that have no value in the answer. */
export const NO_DATA_COLOR = '#d9d9d9'

const hex = (n: number) => Math.round(n).toString(16).padStart(2, '0')
const rgbOf = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number]

/** `n` colours along the ramp: the ramp itself for 5 classes, evenly interpolated otherwise. */
export function rampColors(n: number): string[] {
  if (n <= 0) return []
  if (n === RAMP.length) return [...RAMP]
  if (n === 1) return [RAMP[Math.floor(RAMP.length / 2)]!]
  return Array.from({ length: n }, (_, i) => {
    const pos = (i * (RAMP.length - 1)) / (n - 1)
    const lo = Math.floor(pos)
    const hi = Math.min(lo + 1, RAMP.length - 1)
    const f = pos - lo
    const [a, b] = [rgbOf(RAMP[lo]!), rgbOf(RAMP[hi]!)]
    return `#${a.map((v, k) => hex(v + (b[k]! - v) * f)).join('')}`
  })
}

/** The number of classes the breaks make (n + 1 breaks for n classes). */
export const classCount = (breaks: readonly number[]) => Math.max(0, breaks.length - 1)

/**
 * The class of a value: 0 … n-1, or -1 for no value. Values below the first break fall in the
 * first class and above the last in the last, so a rounding difference never uncolours a polygon.
 */
export function classOf(value: number | null | undefined, breaks: readonly number[]): number {
  const n = classCount(breaks)
  if (n === 0 || value == null || !Number.isFinite(value)) return -1
  for (let i = n - 1; i >= 1; i--) {
    if (value >= breaks[i]!) return i
  }
  return 0
}

/** A break as the legend writes it: integers as they are, fractions to at most two decimals. */
export function formatBreak(v: number): string {
  if (Number.isInteger(v)) return String(v)
  return String(Number(v.toFixed(2)))
}

export interface LegendRow {
  color: string
  /** `12 – 30` */
  label: string
  from: number
  to: number
}

/** One row per class, lowest first. Empty classes (equal breaks) are left out. */
export function legendRows(breaks: readonly number[]): LegendRow[] {
  const colors = rampColors(classCount(breaks))
  const rows: LegendRow[] = []
  for (let i = 0; i < colors.length; i++) {
    const from = breaks[i]!
    const to = breaks[i + 1]!
    // b[i] == b[i+1] holds nothing (classOf puts that value in the next class) unless it is the last.
    if (from === to && i < colors.length - 1) continue
    rows.push({ color: colors[i]!, label: `${formatBreak(from)} – ${formatBreak(to)}`, from, to })
  }
  return rows
}

/** Values by feature id, for the tile style function (a value may be missing). */
export function valueIndex(
  values: readonly (Omit<ThematicValue, 'value'> & { value: number | null })[],
): Map<number, number | null> {
  return new Map(values.map((v) => [Number(v.id), v.value]))
}

/**
 * The value of a tile feature. MVT ids come as numbers, but a string id (or none: a cluster) is
 * handled too; a feature the answer does not name has no value.
 */
export function lookupValue(index: ReadonlyMap<number, number | null>, id: number | string | undefined): number | null {
  if (id === undefined || id === null || id === '') return null
  const key = typeof id === 'number' ? id : Number(id)
  if (!Number.isFinite(key)) return null
  return index.get(key) ?? null
}

/** The colouring of one thematic answer, ready for a style function. */
export interface ThematicPaint {
  layer: MapLayerName
  /** For divisions: only features of this level are coloured. */
  divisionLevel: string | null
  index: Map<number, number | null>
  breaks: number[]
  colors: string[]
}

/** Grids colour the grid layer; communities (or subdistricts) colour their polygons of the divisions layer. */
export function thematicTarget(level: string): { layer: MapLayerName; divisionLevel: string | null } {
  return level === 'grid' ? { layer: 'grids', divisionLevel: null } : { layer: 'divisions', divisionLevel: level }
}

export function thematicPaint(t: Thematic): ThematicPaint {
  return {
    ...thematicTarget(t.level),
    index: valueIndex(t.values),
    breaks: [...t.breaks],
    colors: rampColors(classCount(t.breaks)),
  }
}

/**
 * The fill of a feature: a class colour, the no-data grey for a target feature without a value,
 * or null for a feature the thematic map does not cover (another layer or division level).
 */
export function fillOf(
  paint: ThematicPaint | null,
  layer: MapLayerName,
  id: number | string | undefined,
  divisionLevel?: string,
): string | null {
  if (!paint || paint.layer !== layer) return null
  if (paint.divisionLevel && divisionLevel !== paint.divisionLevel) return null
  const k = classOf(lookupValue(paint.index, id), paint.breaks)
  return k < 0 ? NO_DATA_COLOR : paint.colors[k]!
}
