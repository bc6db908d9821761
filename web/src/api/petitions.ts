// 综合治理 · 信访: the list, registration, one petition and its steps, the monthly figures.
import { http, type Query } from './client'
import type { components } from './schema'
import type { PageQuery } from './types'

type Schemas = components['schemas']
export type Petition = Schemas['Petition']
export type PetitionList = Schemas['PetitionList']
export type PetitionDetail = Schemas['PetitionDetail']
export type PetitionForm = Schemas['PetitionForm']
export type PetitionStepForm = Schemas['StepForm']
export type PetitionFigures = Schemas['PetitionFigures']
export type RateFigure = Schemas['RateFigure']

/** The steps, as the server names them in the path. */
export type PetitionStep =
  | 'accept'
  | 'reject'
  | 'extend'
  | 'answer'
  | 'review'
  | 'review-answer'
  | 're-review'
  | 're-review-answer'
  | 'return-visit'
  | 'close'

export interface PetitionFilters {
  org_unit_id?: number | null
  state: string
  due_status: string
  category: string
  q: string
}

/** The filter bar's values as the server's query (empty values left out). */
export function petitionQuery(f: PetitionFilters): Query {
  const q: Query = {}
  if (f.org_unit_id != null) q.org_unit_id = f.org_unit_id
  if (f.state) q.state = f.state
  if (f.due_status) q.due_status = f.due_status
  if (f.category) q.category = f.category
  if (f.q.trim()) q.q = f.q.trim()
  return q
}

export const petitionApi = {
  list: (query: Query & PageQuery) => http.get<PetitionList>('/api/v1/petitions', { ...query }),
  get: (id: number) => http.get<PetitionDetail>(`/api/v1/petitions/${id}`),
  create: (body: PetitionForm) => http.post<PetitionDetail>('/api/v1/petitions', body),
  step: (id: number, step: PetitionStep, body: PetitionStepForm) =>
    http.post<PetitionDetail>(`/api/v1/petitions/${id}/${step}`, body),
  /** Earlier petitions of a resident (anyone with the same ID number), for 重复信访. */
  ofResident: (residentId: number) => http.get<PetitionList>('/api/v1/petitions', { resident_id: residentId, page_size: 5 }),
  figures: (month: string, orgUnitId?: number | null) =>
    http.get<PetitionFigures>('/api/v1/petition-figures', orgUnitId != null ? { month, org_unit_id: orgUnitId } : { month }),
}

/** Days left on the running clock, as the list shows it; the class colours it. */
export function clockText(p: Petition, t: (k: string, v?: Record<string, unknown>) => string): string {
  if (p.days_left == null || !p.term) return '-'
  const d = p.days_left
  // The two request windows are the petitioner's: past them nothing is late, the right has lapsed.
  const window = p.term === 'review_request' || p.term === 're_review_request'
  if (d < 0) return window ? t('petition.windowLapsed') : t('petition.overdueDays', { n: -d })
  if (d === 0) return t('petition.dueToday')
  return t('petition.daysLeft', { n: d })
}

export function clockClass(p: Petition): string {
  if (p.due_status === 'overdue') return 'late'
  if (p.due_status === 'due') return 'soon'
  return ''
}
