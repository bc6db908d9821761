// 综合治理 · 矛盾纠纷: disputes and their mediation steps, screening rounds, the monthly tally.
import { buildUrl, http, type Query } from './client'
import type {
  DisputeAgreementForm,
  DisputeAssignForm,
  DisputeCloseForm,
  DisputeDetail,
  DisputeFailForm,
  DisputeForm,
  DisputeList,
  DisputeSessionForm,
  DisputeSuperviseForm,
  DisputeTally,
  PageQuery,
  ScreeningForm,
  ScreeningRound,
  ScreeningRoundList,
  UnitRoundsList,
} from './types'

export interface DisputeFilters {
  org_unit_id?: number | null
  state: string
  dispute_type: string
  overdue: boolean
  q: string
}

/** The filter bar's values as the server's query (empty values left out). */
export function disputeQuery(f: DisputeFilters): Query {
  const q: Query = {}
  if (f.org_unit_id != null) q.org_unit_id = f.org_unit_id
  if (f.state) q.state = f.state
  if (f.dispute_type) q.dispute_type = f.dispute_type
  if (f.overdue) q.overdue = true
  if (f.q.trim()) q.q = f.q.trim()
  return q
}

/** The steps a dispute's detail may allow, in the order the drawer shows them. */
export const DISPUTE_STEPS = ['assign', 'sessions', 'agreement', 'fail', 'close', 'supervise'] as const
export type DisputeStepName = (typeof DISPUTE_STEPS)[number]

export const disputeApi = {
  list: (query: Query & PageQuery) => http.get<DisputeList>('/api/v1/disputes', { ...query }),
  get: (id: number) => http.get<DisputeDetail>(`/api/v1/disputes/${id}`),
  /** Silent: the form shows the field errors itself. */
  create: (body: DisputeForm) => http.post<DisputeDetail>('/api/v1/disputes', body, { silent: true }),
  assign: (id: number, body: DisputeAssignForm) => http.post<DisputeDetail>(`/api/v1/disputes/${id}/assign`, body),
  session: (id: number, body: DisputeSessionForm) =>
    http.post<DisputeDetail>(`/api/v1/disputes/${id}/sessions`, body),
  agreement: (id: number, body: DisputeAgreementForm) =>
    http.post<DisputeDetail>(`/api/v1/disputes/${id}/agreement`, body),
  fail: (id: number, body: DisputeFailForm) => http.post<DisputeDetail>(`/api/v1/disputes/${id}/fail`, body),
  close: (id: number, body: DisputeCloseForm) => http.post<DisputeDetail>(`/api/v1/disputes/${id}/close`, body),
  supervise: (id: number, body: DisputeSuperviseForm) =>
    http.post<DisputeDetail>(`/api/v1/disputes/${id}/supervise`, body),
}

export const screeningApi = {
  list: (query: Query & PageQuery) => http.get<ScreeningRoundList>('/api/v1/dispute-screenings', { ...query }),
  report: (body: ScreeningForm) => http.post<ScreeningRound>('/api/v1/dispute-screenings', body),
  due: (query: Query = {}) => http.get<UnitRoundsList>('/api/v1/dispute-screenings/due', { ...query }),
}

export const tallyApi = {
  get: (month: string, orgUnitId?: number | null) =>
    http.get<DisputeTally>('/api/v1/dispute-tally', { month, org_unit_id: orgUnitId ?? undefined }),
  exportUrl: (month: string, orgUnitId?: number | null) =>
    buildUrl('/api/v1/dispute-tally/export', { month, org_unit_id: orgUnitId ?? undefined }),
}
