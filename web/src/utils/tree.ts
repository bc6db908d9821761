// The org levels in order, top down.
import type { OrgLevel } from '@/api/types'

const LEVEL_ORDER: readonly OrgLevel[] = ['district', 'subdistrict', 'community', 'grid']

/** The level of a unit's children: a grid has none. */
export function childLevel(level: string): OrgLevel | null {
  const i = LEVEL_ORDER.indexOf(level as OrgLevel)
  return i >= 0 && i < LEVEL_ORDER.length - 1 ? (LEVEL_ORDER[i + 1] ?? null) : null
}
