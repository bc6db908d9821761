// 信访管理: the filtered, paged list, and the registration form's state and body.
import { petitionApi, petitionQuery, type PetitionFilters, type PetitionForm } from '@/api/petitions'
import type { PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'

export const emptyPetitionFilters = (): PetitionFilters => ({ org_unit_id: null, state: '', due_status: '', category: '', q: '' })

export function usePetitions() {
  return usePagedList((f: PetitionFilters & PageQuery) => petitionApi.list({ ...petitionQuery(f), ...paging(f) }), emptyPetitionFilters)
}

export interface PetitionState {
  channel: string
  received_on: string
  resident_ids: number[]
  headcount: number | null
  category: string
  matter: string
  demand: string
  place: string
  org_unit_id: number | null
  /** 0: a new matter. */
  repeat_of_id: number
}

export const emptyPetition = (): PetitionState => ({
  channel: 'visit',
  received_on: '',
  resident_ids: [],
  headcount: null,
  category: '',
  matter: '',
  demand: '',
  place: '',
  org_unit_id: null,
  repeat_of_id: 0,
})

/** The body of POST /petitions; the server has the final word on every field. */
export function petitionBody(s: PetitionState): PetitionForm {
  const opt = (v: string) => (v.trim() ? v.trim() : null)
  return {
    channel: s.channel,
    received_on: opt(s.received_on),
    resident_ids: s.resident_ids,
    headcount: s.headcount,
    category: s.category,
    matter: s.matter.trim(),
    demand: opt(s.demand),
    place: opt(s.place),
    org_unit_id: s.org_unit_id ?? 0,
    repeat_of_id: s.repeat_of_id || null,
  }
}

export const STATES = [
  'received',
  'handling',
  'answered',
  'review_requested',
  'reviewed',
  're_review_requested',
  're_reviewed',
  'closed',
  'not_accepted',
] as const
