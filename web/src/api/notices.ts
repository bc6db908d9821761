// 文书管理: notices issued for a matter (case, dispute, petition), their templates and the units'
// serial prefixes.
import { http, type Download, type Query } from './client'
import type { IssueForm, Notice, NoticeList, NoticePrefix, NoticeTemplate, PageQuery, ReturnForm } from './types'

export type SubjectKind = 'case' | 'dispute' | 'petition'

/** The kinds each matter may have (as core's `SubjectKind::kinds`). */
export const SUBJECT_KINDS: Record<SubjectKind, readonly string[]> = {
  case: ['assignment', 'supervision', 'closure'],
  dispute: ['assignment', 'supervision', 'closure'],
  petition: [
    'petition_acceptance',
    'petition_non_acceptance',
    'petition_answer',
    'petition_review_answer',
    'petition_re_review_answer',
  ],
}

export const ALL_KINDS: readonly string[] = [...SUBJECT_KINDS.case, ...SUBJECT_KINDS.petition]

/** Each kind's word in the serial (core's `NoticeKind::word`), for the preview. */
export const KIND_WORD: Record<string, string> = {
  assignment: '交',
  supervision: '督',
  closure: '销',
  petition_acceptance: '信受',
  petition_non_acceptance: '信不受',
  petition_answer: '信答',
  petition_review_answer: '信复查',
  petition_re_review_answer: '信复核',
}

/** Placeholders the issuer writes in the issue form (the rest are filled from the matter). */
export const FREE_TEXT_FIELDS: readonly string[] = ['交办依据', '处理意见', '不予受理理由', '办理结果']

/** Placeholders the system fills at issue: not offered in the issue form. */
export const SYSTEM_FIELDS: readonly string[] = ['文号', '发文机关', '发文日期']

export interface NoticeFilters {
  org_unit_id?: number | null
  kind: string
  year?: number | null
  subject_kind?: SubjectKind
  subject_id?: number
}

/** The filter bar's values as the server's query (empty values left out). */
export function noticeQuery(f: NoticeFilters): Query {
  const q: Query = {}
  if (f.org_unit_id != null) q.org_unit_id = f.org_unit_id
  if (f.kind) q.kind = f.kind
  if (f.year != null) q.year = f.year
  if (f.subject_kind && f.subject_id != null) {
    q.subject_kind = f.subject_kind
    q.subject_id = f.subject_id
  }
  return q
}

/** What the issue dialog holds. */
export interface IssueState {
  kind: string
  addressee: string
  deadline: string
  values: Record<string, string>
}

/** The body of POST /notices: blanks left out, so the server fills them from the matter. */
export function issueBody(subjectKind: SubjectKind, subjectId: number, s: IssueState, fields: readonly string[]): IssueForm {
  const values: Record<string, string> = {}
  for (const f of fields) {
    const v = s.values[f]?.trim()
    if (v) values[f] = v
  }
  return {
    kind: s.kind,
    subject_kind: subjectKind,
    subject_id: subjectId,
    addressee: s.addressee.trim() || null,
    deadline: s.deadline || null,
    values,
  }
}

/** The placeholder names a body uses, each once, in order of first use. */
export function placeholdersOf(body: string): string[] {
  const seen: string[] = []
  for (const m of body.matchAll(/\{\{\s*([^{}]+?)\s*\}\}/g)) {
    const name = m[1]!
    if (!seen.includes(name)) seen.push(name)
  }
  return seen
}

/** The free-text fields the kind's current body uses (an edited body may drop or add some). */
export const freeTextFields = (template: Pick<NoticeTemplate, 'body'> | undefined) =>
  placeholdersOf(template?.body ?? '').filter((f) => FREE_TEXT_FIELDS.includes(f))

/** Whether the kind's notice states a deadline the issuer may set (assignment, supervision). */
export const takesDeadline = (kind: string) => kind === 'assignment' || kind === 'supervision'

/**
 * Puts `{{name}}` in place of the selection [start, end) of `text`; answers the new text and where
 * the caret goes (after the placeholder).
 */
export function insertPlaceholder(text: string, start: number, end: number, name: string) {
  const a = Math.max(0, Math.min(start, text.length))
  const b = Math.max(a, Math.min(end, text.length))
  const tag = `{{${name}}}`
  return { text: text.slice(0, a) + tag + text.slice(b), caret: a + tag.length }
}

/** The serial a unit with `prefix` would give: 龙岗综治交〔2026〕1号. */
export const serialPreview = (prefix: string, kind: string, year: number, number = 1) =>
  `${prefix.trim()}${KIND_WORD[kind] ?? ''}〔${year}〕${number}号`

/** A notice's state as a list shows it: voided, slip returned, awaiting its slip, or issued. */
export function noticeStatus(n: Pick<Notice, 'voided_at' | 'returned_at' | 'has_return_slip'>) {
  if (n.voided_at) return 'voided' as const
  if (n.returned_at) return 'returned' as const
  if (n.has_return_slip) return 'awaiting' as const
  return 'issued' as const
}

export const noticesApi = {
  list: (query: Query & PageQuery) => http.get<NoticeList>('/api/v1/notices', { ...query }),
  get: (id: number) => http.get<Notice>(`/api/v1/notices/${id}`),
  issue: (body: IssueForm) => http.post<Notice>('/api/v1/notices', body),
  document: (id: number): Promise<Download> => http.download('GET', `/api/v1/notices/${id}/document`),
  void: (id: number, reason: string) => http.post<Notice>(`/api/v1/notices/${id}/void`, { reason }),
  returnSlip: (id: number, body: ReturnForm) => http.post<Notice>(`/api/v1/notices/${id}/return-slip`, body),
  templates: () => http.get<NoticeTemplate[]>('/api/v1/notice-templates'),
  saveTemplate: (kind: string, body: string | null) =>
    http.put<NoticeTemplate>(`/api/v1/notice-templates/${kind}`, { body }),
  prefix: (unitId: number) => http.get<NoticePrefix>(`/api/v1/notice-prefixes/${unitId}`),
  savePrefix: (unitId: number, prefix: string) =>
    http.put<NoticePrefix>(`/api/v1/notice-prefixes/${unitId}`, { prefix }),
}
