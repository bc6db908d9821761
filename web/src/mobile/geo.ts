// GPS on the phone: the position as a promise, the distance between two points, and the texts
// that show a fix's accuracy and a distance to the worker.

export interface LonLat {
  lon: number
  lat: number
}

export interface Fix extends LonLat {
  /** Radius of 68 % confidence, metres (what the browser reports). */
  accuracy: number
}

type Translate = (key: string, named?: Record<string, unknown>) => string

/** Great-circle distance in metres (haversine on a 6 371 km sphere; ample at a grid's scale). */
export function distanceM(a: LonLat, b: LonLat): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * "定位精度 约8米": whole metres below 1 km (at least 1), tenths of a km above; an unknown or
 * nonsensical accuracy gives ''.
 */
export function accuracyText(metres: number | null | undefined, t: Translate): string {
  if (typeof metres !== 'number' || !Number.isFinite(metres) || metres < 0) return ''
  if (metres < 1000) return t('mobile.report.accuracy', { m: Math.max(1, Math.round(metres)) })
  return t('mobile.report.accuracyKm', { km: (Math.round(metres / 100) / 10).toFixed(1) })
}

/** "350米", "1.2公里": the same rounding as the accuracy. */
export function distanceText(metres: number, t: Translate): string {
  if (metres < 1000) return t('mobile.distanceM', { n: Math.round(metres) })
  return t('mobile.distanceKm', { n: (Math.round(metres / 100) / 10).toFixed(1) })
}

/** The phone's position, or null when there is no GPS, the user refused or it took too long. */
export function currentFix(timeoutMs = 10_000): Promise<Fix | null> {
  const geo = typeof navigator !== 'undefined' ? navigator.geolocation : undefined
  if (!geo) return Promise.resolve(null)
  return new Promise((resolve) => {
    geo.getCurrentPosition(
      (p) => resolve({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 30_000 },
    )
  })
}
