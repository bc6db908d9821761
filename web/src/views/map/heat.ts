// 热力图: the default date range and the weights OpenLayers' Heatmap layer wants (0 … 1).
import type { Heat } from '@/api/types'

const pad = (n: number) => String(n).padStart(2, '0')

/** `YYYY-MM-DD` of a date in the browser's time zone. */
export function isoDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The last `days` days up to today, both ends included: 30 days is today and the 29 before it. */
export function lastDays(days: number, today: Date = new Date()): [string, string] {
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - Math.max(1, days) + 1)
  return [isoDate(from), isoDate(today)]
}

export interface HeatPoint {
  lon: number
  lat: number
  /** 0 … 1, relative to the busiest point. */
  weight: number
}

/** The points with weights scaled by the answer's maximum; broken points are left out. */
export function heatPoints(heat: Pick<Heat, 'points' | 'max'>): HeatPoint[] {
  const weights = heat.points.map((p) => p[2]).filter((w) => Number.isFinite(w))
  const max = heat.max > 0 ? heat.max : Math.max(0, ...weights)
  return heat.points
    .filter(([lon, lat, w]) => Number.isFinite(lon) && Number.isFinite(lat) && Number.isFinite(w))
    .map(([lon, lat, w]) => ({ lon, lat, weight: max > 0 ? Math.min(1, Math.max(0, w / max)) : 1 }))
}
