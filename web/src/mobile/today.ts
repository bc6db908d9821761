// 今日: the rental houses to inspect, nearest first when the phone knows where it is (else
// the most overdue first), joined with their buildings' positions.
import { distanceM, type LonLat } from './geo'

export interface DueHouse {
  id: number
  building_id: number
  next_due_on?: string | null
  due_status: string
}

export interface Ranked<T> {
  house: T
  /** Metres from the phone; null without a fix or without the building's position. */
  distance: number | null
}

/**
 * Orders the houses: with a fix, by distance (houses whose building has no position last, by
 * date); without, by due date (never scheduled first: they count as the most overdue).
 */
export function rankHouses<T extends DueHouse>(
  houses: readonly T[],
  positions: ReadonlyMap<number, LonLat>,
  here: LonLat | null,
): Ranked<T>[] {
  const rows = houses.map((house) => {
    const at = positions.get(house.building_id)
    return { house, distance: here && at ? distanceM(here, at) : null }
  })
  const byDate = (a: Ranked<T>, b: Ranked<T>) => (a.house.next_due_on ?? '').localeCompare(b.house.next_due_on ?? '')
  return rows.sort((a, b) => {
    if (a.distance !== null && b.distance !== null) return a.distance - b.distance || byDate(a, b)
    if (a.distance !== null) return -1
    if (b.distance !== null) return 1
    return byDate(a, b)
  })
}

/** A notification's link inside the phone app when it has a page for it (a case), else null. */
export function mobileLink(link: string | null | undefined): string | null {
  const m = /^\/cases\/(\d+)(?:[/?#].*)?$/.exec(link ?? '')
  return m ? `/cases/${m[1]}` : null
}
