// 矛盾纠纷: the filtered, paged list; the register form's state and the body it sends.
import { disputeApi, disputeQuery, type DisputeFilters } from '@/api/disputes'
import type { DisputeForm, PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'

export const emptyDisputeFilters = (): DisputeFilters => ({
  org_unit_id: null,
  state: '',
  dispute_type: '',
  overdue: false,
  q: '',
})

export function useDisputes() {
  return usePagedList(
    (f: DisputeFilters & PageQuery) => disputeApi.list({ ...disputeQuery(f), ...paging(f) }),
    emptyDisputeFilters,
  )
}

/** A party in the form: a resident picked from the registry (shown by name and masked number), or an organisation. */
export interface PartyState {
  role: 'applicant' | 'respondent'
  kind: 'resident' | 'organisation'
  resident_id: number | null
  label: string
  org_name: string
  credit_code: string
}

export interface DisputeFormState {
  source: string
  channel: string
  dispute_type: string
  people_involved: number
  major: boolean
  risk_level: string
  summary: string
  demand: string
  address: string
  org_unit_id: number | null
  parties: PartyState[]
}

export const emptyDisputeForm = (): DisputeFormState => ({
  source: 'walk_in',
  channel: 'visit',
  dispute_type: '',
  people_involved: 2,
  major: false,
  risk_level: 'low',
  summary: '',
  demand: '',
  address: '',
  org_unit_id: null,
  parties: [],
})

/** The body of POST /api/v1/disputes: residents by id only, never their data retyped. */
export function disputeBody(s: DisputeFormState): DisputeForm {
  const opt = (v: string) => (v.trim() ? v.trim() : null)
  return {
    source: s.source,
    channel: s.channel,
    dispute_type: s.dispute_type,
    people_involved: s.people_involved,
    major: s.major,
    risk_level: s.risk_level,
    summary: s.summary,
    demand: opt(s.demand),
    address: opt(s.address),
    org_unit_id: s.org_unit_id,
    parties: s.parties.map((p) =>
      p.kind === 'resident'
        ? { role: p.role, resident_id: p.resident_id }
        : { role: p.role, org_name: p.org_name, credit_code: opt(p.credit_code) },
    ),
  }
}

/** An 18-digit identity number (or 15): the picker then asks the registry by number. */
export const looksLikeIdNumber = (q: string) => /^(\d{17}[\dXx]|\d{15})$/.test(q.trim())
