// 群防群治: the filtered, paged team list; the team form's model and body; the drawer's member,
// roster and duty-log forms and the bodies they send.
import {
  watchApi,
  type DutyLogForm,
  type MemberForm,
  type RosterForm,
  type TeamForm,
  type WatchMember,
  type WatchRoster,
  type WatchTeam,
} from '@/api/stability'
import type { Query } from '@/api/client'
import type { PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'

export interface WatchTeamFilters {
  org_unit_id?: number | null
  kind: string
}

export const emptyWatchTeamFilters = (): WatchTeamFilters => ({ org_unit_id: null, kind: '' })

/** The filter bar's values as the server's query (empty values left out). */
export function watchTeamQuery(f: WatchTeamFilters): Query {
  const q: Query = {}
  if (f.org_unit_id != null) q.org_unit_id = f.org_unit_id
  if (f.kind) q.kind = f.kind
  return q
}

export function useWatchTeams() {
  return usePagedList(
    (f: WatchTeamFilters & PageQuery) => watchApi.list({ ...watchTeamQuery(f), ...paging(f) }),
    emptyWatchTeamFilters,
  )
}

export interface TeamFormState {
  name: string
  kind: string
  leader_name: string
  note: string
  org_unit_id: number | null
}

/** A new team: a patrol team of the caller's own unit unless another is picked. */
export const emptyTeamForm = (unitId: number | null = null): TeamFormState => ({
  name: '',
  kind: 'security_patrol',
  leader_name: '',
  note: '',
  org_unit_id: unitId,
})

export const teamFormFrom = (t: WatchTeam): TeamFormState => ({
  name: t.name,
  kind: t.kind,
  leader_name: t.leader_name,
  note: t.note,
  org_unit_id: t.org_unit_id,
})

const opt = (v: string) => (v.trim() ? v.trim() : null)

export function teamBody(s: TeamFormState): TeamForm {
  return {
    name: s.name.trim(),
    kind: s.kind,
    leader_name: opt(s.leader_name),
    note: opt(s.note),
    // 0 is no unit: the server names the field.
    org_unit_id: s.org_unit_id ?? 0,
  }
}

/** A member to add: a resident picked from the registry (by ID number or name), or one of the staff. */
export interface MemberState {
  kind: 'resident' | 'staff'
  resident_id: number | null
  staff_id: number | null
  duty: string
}

export const emptyMember = (): MemberState => ({ kind: 'resident', resident_id: null, staff_id: null, duty: '队员' })

/** Only the id of the person chosen: a resident's data is never typed again here. */
export function memberBody(s: MemberState): MemberForm {
  return s.kind === 'resident'
    ? { resident_id: s.resident_id, duty: opt(s.duty) }
    : { staff_id: s.staff_id, duty: opt(s.duty) }
}

/** A member's kind as the team shows it. */
export const memberKind = (m: WatchMember): 'staff' | 'resident' => (m.staff_id != null ? 'staff' : 'resident')

/** `YYYY-MM-DD` of a day in the browser's time zone. */
export function isoDay(d: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export interface RosterState {
  on_day: string
  shift: string
  member_ids: number[]
  note: string
}

export const emptyRoster = (today = isoDay()): RosterState => ({ on_day: today, shift: 'night', member_ids: [], note: '' })

export function rosterBody(s: RosterState): RosterForm {
  return { on_day: s.on_day, shift: s.shift, member_ids: [...s.member_ids], note: opt(s.note) }
}

export interface LogState {
  on_day: string
  shift: string
  content: string
}

export const emptyLog = (today = isoDay()): LogState => ({ on_day: today, shift: 'night', content: '' })

export function logBody(s: LogState): DutyLogForm {
  // No day: the server writes today.
  return { on_day: s.on_day || null, shift: s.shift, content: s.content.trim() }
}

/**
 * The names of a roster's people, in the roster's order. A member taken off the team since shows
 * as `gone` so the roster still says how many were on duty.
 */
export function rosterNames(r: WatchRoster, members: readonly WatchMember[], gone: string): string[] {
  return r.member_ids.map((id) => members.find((m) => m.id === id)?.name ?? gone)
}
