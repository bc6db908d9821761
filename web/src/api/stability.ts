// 综合治理 · 维稳: incidents and their reports up, special-group follow-up visits, watch teams.
import { http, type Query } from './client'
import type { components } from './schema'

type Schemas = components['schemas']
export type Incident = Schemas['Incident']
export type IncidentList = Schemas['IncidentList']
export type IncidentDetail = Schemas['IncidentDetail']
export type IncidentForm = Schemas['IncidentForm']
export type DueList = Schemas['DueList']
export type DueVisit = Schemas['DueVisit']
export type Visit = Schemas['Visit']
export type VisitForm = Schemas['VisitForm']
export type WatchTeamList = Schemas['WatchTeamList']

export type IncidentStep = 'report-up' | 'follow-ups' | 'close'

export const incidentApi = {
  list: (query: Query) => http.get<IncidentList>('/api/v1/stability-incidents', query),
  get: (id: number) => http.get<IncidentDetail>(`/api/v1/stability-incidents/${id}`),
  create: (body: IncidentForm) => http.post<IncidentDetail>('/api/v1/stability-incidents', body),
  step: (id: number, step: IncidentStep, body: Record<string, string>) =>
    http.post<IncidentDetail>(`/api/v1/stability-incidents/${id}/${step}`, body),
}

export const followupApi = {
  due: (query: Query) => http.get<DueList>('/api/v1/special-groups/due', query),
  history: (residentId: number) => http.get<{ items: Visit[] }>('/api/v1/special-group-visits', { resident_id: residentId }),
  record: (body: VisitForm) => http.post<Visit>('/api/v1/special-group-visits', body),
}

export const watchApi = {
  list: (query: Query) => http.get<WatchTeamList>('/api/v1/watch-teams', query),
}
