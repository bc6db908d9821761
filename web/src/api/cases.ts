// Endpoints of the cases area (事件处理): taxonomy, calendar, reporting, inbox, list, detail,
// workflow actions, photos and counts; and the list's filter bar turned into the server's query.
import { http } from './client'
import type {
  ApiKey,
  CalendarInput,
  CalendarYear,
  CaseActionInput,
  CaseCategory,
  CaseDetail,
  CaseItem,
  CaseItemInput,
  CaseList,
  CasePhoto,
  CaseStats,
  ItemSuggestionList,
  CreatedApiKey,
  CreatedCase,
  MergeInput,
  NewApiKey,
  NewCase,
  PageQuery,
  PhotoStage,
} from './types'

export interface CaseQuery extends PageQuery {
  /** One state or several separated by commas. */
  state?: string
  item_code?: string
  org_unit_id?: number
  department_code?: string
  overdue?: boolean
  source?: string
  /** `YYYY-MM-DD`, China time, inclusive. */
  date_from?: string
  date_to?: string
}

/** The ★ row's question: what is typed so far and the place (both coordinates or neither). */
export interface SuggestQuery {
  text?: string
  lng?: number
  lat?: number
  limit?: number
}

export interface StatsQuery {
  org_unit_id?: number
  date_from?: string
  date_to?: string
}

/** The list page's filter bar as the user left it ('' and null for "any"). */
export interface CaseFilters {
  states: string[]
  item_code: string
  org_unit_id?: number | null
  department_code: string
  overdue: boolean
  source: string
  /** `[from, to]` from the date-range picker, or null. */
  dates: [string, string] | null
}

export interface StatsFilters {
  org_unit_id?: number | null
  dates: [string, string] | null
}

const text = (v: string | null | undefined) => {
  const s = (v ?? '').trim()
  return s ? s : undefined
}

/** Drops the keys whose value is undefined, so queries compare and print cleanly. */
function prune<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/** A date range typed backwards is put the right way round. */
function range(dates: [string, string] | null): { date_from?: string; date_to?: string } {
  if (!dates) return {}
  let [from, to] = dates.map((d) => text(d))
  if (from && to && from > to) [from, to] = [to, from]
  return { date_from: from, date_to: to }
}

/** The filter bar → the list query: blanks left out, states joined by commas, overdue only when ticked. */
export function caseQuery(f: CaseFilters): CaseQuery {
  const states = f.states.map((s) => s.trim()).filter(Boolean)
  return prune({
    state: states.length ? states.join(',') : undefined,
    item_code: text(f.item_code),
    org_unit_id: f.org_unit_id ?? undefined,
    department_code: text(f.department_code),
    overdue: f.overdue ? true : undefined,
    source: text(f.source),
    ...range(f.dates),
  })
}

export function statsQuery(f: StatsFilters): StatsQuery {
  return prune({ org_unit_id: f.org_unit_id ?? undefined, ...range(f.dates) })
}

export const caseApi = {
  categories: () => http.get<{ items: CaseCategory[] }>('/api/v1/case-categories').then((l) => l.items),
  calendar: (year: number) => http.get<CalendarYear>(`/api/v1/calendar/${year}`),
  /** Replaces the year's lists. */
  saveCalendar: (year: number, body: CalendarInput) => http.put<CalendarYear>(`/api/v1/calendar/${year}`, body),
  /** A 422 names the field; the message is shown and put beside it. */
  updateItem: (code: string, body: CaseItemInput) =>
    http.put<CaseItem>(`/api/v1/case-items/${encodeURIComponent(code)}`, body),
  /** Silent: the ★ row is a help; when it fails the picker still works. */
  suggest: (query: SuggestQuery) =>
    http.get<ItemSuggestionList>('/api/v1/case-items/suggest', { ...query }, { silent: true }),
  list: (query: CaseQuery = {}) => http.get<CaseList>('/api/v1/cases', { ...query }),
  inbox: (query: PageQuery = {}) => http.get<CaseList>('/api/v1/cases/inbox', { ...query }),
  stats: (query: StatsQuery = {}) => http.get<CaseStats>('/api/v1/cases/stats', { ...query }),
  /** `unmasked` shows the reporter's contact in full (needs `resident:read_full`; audited). */
  get: (id: number, unmasked = false) =>
    http.get<CaseDetail>(`/api/v1/cases/${id}`, unmasked ? { unmasked: true } : undefined),
  /** Silent: the form shows field errors (`location`, `item_code`) beside the fields. */
  create: (body: NewCase) => http.post<CreatedCase>('/api/v1/cases', body, { silent: true }),
  /** Silent: a 409 (the case changed meanwhile) is told its own way and the case reloaded. */
  act: (id: number, body: CaseActionInput) =>
    http.post<CaseDetail>(`/api/v1/cases/${id}/actions`, body, { silent: true }),
  merge: (id: number, body: MergeInput) => http.post<CaseDetail>(`/api/v1/cases/${id}/merge`, body, { silent: true }),
  /** Multipart: `stage` (report: before, feedback: after) and `file`. */
  uploadPhoto: (id: number, stage: PhotoStage, file: File | Blob, fileName?: string) => {
    const form = new FormData()
    form.append('stage', stage)
    if (fileName !== undefined) form.append('file', file, fileName)
    else form.append('file', file)
    return http.post<CasePhoto>(`/api/v1/cases/${id}/photos`, form)
  },
}

/** Open311 API keys (接口密钥) of outside systems such as the 12345 hotline. */
export const apiKeyApi = {
  list: () => http.get<{ items: ApiKey[] }>('/api/v1/api-keys').then((l) => l.items),
  /** The answer carries the full key, which the server never shows again. */
  create: (body: NewApiKey) => http.post<CreatedApiKey>('/api/v1/api-keys', body),
  /** The client using it is refused from then on. */
  revoke: (id: number) => http.del<ApiKey>(`/api/v1/api-keys/${id}`),
}
