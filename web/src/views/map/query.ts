// 空间查询: the drawn area as the server's query body, a circle as a polygon for display, and the
// answer as table rows.
import type { CircleArea, GeoArea, GeoPolygon, MapQuery, QueryCounts } from '@/api/types'

/** The counts in the order the table shows them; the label of each is `map.count.<key>`. */
export const COUNT_KEYS: readonly (keyof QueryCounts)[] = [
  'residents',
  'migrants',
  'special_groups',
  'buildings',
  'houses',
  'rental_houses',
  'key_places',
  'open_cases',
  'overdue_inspections',
  'cameras',
]

export interface CountRow {
  key: keyof QueryCounts
  value: number
}

/** One row per count, a missing count as 0. */
export function countRows(counts: Partial<QueryCounts> | null | undefined): CountRow[] {
  return COUNT_KEYS.map((key) => {
    const v = counts?.[key]
    return { key, value: typeof v === 'number' && Number.isFinite(v) ? v : 0 }
  })
}

export interface BreakdownRow {
  code: string
  name: string
  value: number
}

/** A `code → n` breakdown as rows, largest first, codes shown by name; zero rows left out. */
export function breakdownRows(
  byCode: Record<string, number> | null | undefined,
  nameOf: (code: string) => string = (c) => c,
): BreakdownRow[] {
  return Object.entries(byCode ?? {})
    .filter(([, v]) => typeof v === 'number' && v > 0)
    .map(([code, value]) => ({ code, name: nameOf(code), value }))
    .sort((a, b) => b.value - a.value || a.code.localeCompare(b.code))
}

/** The risk classes from lenient to banned, then the houses not yet classed. */
export const CLASS_ORDER = ['green', 'yellow', 'orange', 'red', 'unclassified'] as const

/** Rental houses by class in the classes' own order (not by count), empty classes left out. */
export function classRows(
  byClass: Record<string, number> | null | undefined,
  nameOf: (code: string) => string = (c) => c,
): BreakdownRow[] {
  const rank = (c: string) => {
    const i = (CLASS_ORDER as readonly string[]).indexOf(c)
    return i < 0 ? CLASS_ORDER.length : i
  }
  return breakdownRows(byClass, nameOf).sort((a, b) => rank(a.code) - rank(b.code) || a.code.localeCompare(b.code))
}

/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS = 6371008.8
const rad = (d: number) => (d * Math.PI) / 180
const deg = (r: number) => (r * 180) / Math.PI

/** The point `distance` metres from (lon, lat) in direction `bearing` (radians from north), on a sphere. */
export function destination(lon: number, lat: number, distance: number, bearing: number): [number, number] {
  const d = distance / EARTH_RADIUS
  const phi1 = rad(lat)
  const lam1 = rad(lon)
  const phi2 = Math.asin(Math.sin(phi1) * Math.cos(d) + Math.cos(phi1) * Math.sin(d) * Math.cos(bearing))
  const lam2 = lam1 + Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(phi1), Math.cos(d) - Math.sin(phi1) * Math.sin(phi2))
  return [deg(lam2), deg(phi2)]
}

/** Great-circle distance in metres (haversine). */
export function distanceMetres([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]): number {
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)))
}

/**
 * A circle on the ground as a GeoJSON polygon of `segments` vertices (counter-clockwise, closed):
 * what the map shows for a circle query, which the server answers for the exact circle.
 */
export function circlePolygon(circle: CircleArea, segments = 64): GeoPolygon {
  const n = Math.max(8, Math.floor(segments))
  const ring: number[][] = []
  for (let i = 0; i < n; i++) {
    // Counter-clockwise from east, as GeoJSON (RFC 7946) wants exterior rings.
    const bearing = Math.PI / 2 - (2 * Math.PI * i) / n
    ring.push(destination(circle.lon, circle.lat, circle.radius_m, bearing))
  }
  ring.push([...ring[0]!])
  return { type: 'Polygon', coordinates: [ring] }
}

/** Rounds coordinates to 7 decimals (about 1 cm): smaller bodies, nothing lost. */
export function roundArea<G extends GeoArea>(g: G): G {
  const r = (v: number) => Math.round(v * 1e7) / 1e7
  const ring = (pts: number[][]) => pts.map((p) => p.map(r))
  if (g.type === 'Polygon') return { ...g, coordinates: g.coordinates.map(ring) }
  return { ...g, coordinates: (g as { coordinates: number[][][][] }).coordinates.map((poly) => poly.map(ring)) }
}

/** What the user drew, as the query body: a polygon as it is, a circle as the server's circle. */
export type QueryShape = { kind: 'polygon'; geometry: GeoArea } | { kind: 'circle'; circle: CircleArea }

export function queryBody(shape: QueryShape): MapQuery {
  if (shape.kind === 'polygon') return { geometry: roundArea(shape.geometry) }
  const { lon, lat, radius_m } = shape.circle
  return {
    circle: {
      lon: Math.round(lon * 1e7) / 1e7,
      lat: Math.round(lat * 1e7) / 1e7,
      radius_m: Math.max(1, Math.round(radius_m)),
    },
  }
}
