// 地图搜索: where the map goes for a chosen result — the result's box, or zoom 18 on its point.
import type { Bbox } from '@/api/map'
import type { SearchHit } from '@/api/types'

export const POINT_ZOOM = 18

export type FlyTarget = { kind: 'extent'; bbox: Bbox; maxZoom: number } | { kind: 'point'; center: [number, number]; zoom: number }

/** A box that is a point (or broken) is treated as the point. */
export function flyTarget(r: Pick<SearchHit, 'lon' | 'lat' | 'bbox'>): FlyTarget {
  const b = r.bbox
  if (b && b.length === 4 && b.every(Number.isFinite) && b[2] > b[0] && b[3] > b[1]) {
    return { kind: 'extent', bbox: [b[0], b[1], b[2], b[3]], maxZoom: POINT_ZOOM }
  }
  return { kind: 'point', center: [r.lon, r.lat], zoom: POINT_ZOOM }
}

/** A query worth sending: trimmed, at least one character. */
export function searchQuery(q: string | null | undefined): string | null {
  const s = (q ?? '').trim()
  return s ? s : null
}
