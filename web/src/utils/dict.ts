// Lookups in the server's code tables (GET /api/v1/dicts): the Chinese name of a code.
import type { DictEntry, Dicts } from '@/api/types'

/** The table names the registry pages use. */
export type DictName =
  | 'id_types'
  | 'registration_types'
  | 'genders'
  | 'ethnicities'
  | 'relations'
  | 'use_types'
  | 'special_groups'
  | 'attention_levels'
  | 'youth_types'
  | 'place_types'
  | 'industries'
  | 'dispute_types'
  | 'dispute_sources'
  | 'dispute_channels'
  | 'dispute_risk_levels'
  | 'dispute_size_bands'
  | 'dispute_referrals'
  | 'petition_channels'
  | 'petition_categories'
  | 'watch_team_kinds'
  | 'watch_shifts'

/** The entries of one table; empty while the tables are not loaded or when the server lacks it. */
export function dictEntries(dicts: Dicts | null | undefined, table: string): DictEntry[] {
  return dicts?.[table] ?? []
}

/**
 * The name of a code. A code the table does not know (or a table not loaded yet) shows as sent,
 * so a new server code never turns into a blank cell; no value shows as ''.
 */
export function dictName(dicts: Dicts | null | undefined, table: string, code: string | null | undefined): string {
  if (code == null || code === '') return ''
  return dictEntries(dicts, table).find((e) => e.code === code)?.name ?? code
}

/** The names of several codes (special groups), in the order given, unknown ones as sent. */
export function dictNames(dicts: Dicts | null | undefined, table: string, codes: readonly string[] | null | undefined): string[] {
  return (codes ?? []).filter((c) => c !== '').map((c) => dictName(dicts, table, c))
}
