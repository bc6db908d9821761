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
export type WatchTeam = Schemas['WatchTeam']
export type WatchTeamList = Schemas['WatchTeamList']
export type WatchTeamDetail = Schemas['WatchTeamDetail']
export type WatchMember = Schemas['WatchMember']
export type WatchRoster = Schemas['WatchRoster']
export type WatchLog = Schemas['WatchLog']
export type TeamForm = Schemas['TeamForm']
export type MemberForm = Schemas['MemberForm']
export type RosterForm = Schemas['RosterForm']
export type DutyLogForm = Schemas['DutyLogForm']

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

/** Community watch teams (群防群治); every write answers the team's detail as it now stands. */
export const watchApi = {
  list: (query: Query) => http.get<WatchTeamList>('/api/v1/watch-teams', query),
  get: (id: number) => http.get<WatchTeamDetail>(`/api/v1/watch-teams/${id}`),
  create: (body: TeamForm) => http.post<WatchTeamDetail>('/api/v1/watch-teams', body),
  update: (id: number, body: TeamForm) => http.put<WatchTeamDetail>(`/api/v1/watch-teams/${id}`, body),
  remove: (id: number) => http.del<void>(`/api/v1/watch-teams/${id}`),
  addMember: (id: number, body: MemberForm) => http.post<WatchTeamDetail>(`/api/v1/watch-teams/${id}/members`, body),
  removeMember: (id: number, memberId: number) =>
    http.del<WatchTeamDetail>(`/api/v1/watch-teams/${id}/members/${memberId}`),
  addRoster: (id: number, body: RosterForm) => http.post<WatchTeamDetail>(`/api/v1/watch-teams/${id}/rosters`, body),
  removeRoster: (id: number, rosterId: number) =>
    http.del<WatchTeamDetail>(`/api/v1/watch-teams/${id}/rosters/${rosterId}`),
  addLog: (id: number, body: DutyLogForm) => http.post<WatchTeamDetail>(`/api/v1/watch-teams/${id}/logs`, body),
}
