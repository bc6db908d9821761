// The cases pages' shared pure rules: urgency colours, the time left to a deadline, which input
// each action asks for, and the body an action sends.
import type { Case, CaseAction, CaseActionInput, CaseState, CaseUrgency } from '@/api/types'

export const CASE_STATES: readonly CaseState[] = [
  'reported',
  'accepted',
  'rejected',
  'dispatched',
  'handling',
  'feedback',
  'verified',
  'closed',
]

/** Sources a center's staff choose when they take a case in (a grid worker's is `grid_worker`). */
export const CENTER_SOURCES = ['phone', 'visit'] as const
export const CASE_SOURCES = ['grid_worker', 'phone', 'visit', 'portal', 'open311', 'system'] as const

/** The order buttons appear in: the step forward first, then the side ways. */
export const ACTION_ORDER: readonly CaseAction[] = [
  'accept',
  'dispatch',
  'start',
  'feedback',
  'verify',
  'close',
  'return',
  'reject',
  'supervise',
  'extend',
  'pause',
  'resume',
  'escalate',
  'merge',
]

/** Element Plus tag type of an urgency: green normal, yellow near the deadline, red overdue. */
export function urgencyType(u: CaseUrgency | string | null | undefined): 'success' | 'warning' | 'danger' {
  if (u === 'red') return 'danger'
  if (u === 'yellow') return 'warning'
  return 'success'
}

export interface TimeLeft {
  overdue: boolean
  days: number
  hours: number
  minutes: number
}

/** How long until (or, overdue, since) a deadline, in whole minutes; null without a deadline. */
export function timeLeft(deadline: string | null | undefined, now: number = Date.now()): TimeLeft | null {
  if (!deadline) return null
  const at = new Date(deadline).getTime()
  if (Number.isNaN(at)) return null
  const diff = at - now
  const total = Math.floor(Math.abs(diff) / 60_000)
  return {
    overdue: diff < 0,
    days: Math.floor(total / 1440),
    hours: Math.floor((total % 1440) / 60),
    minutes: total % 60,
  }
}

/** The inputs an action's dialog shows; an action with none is taken at once. */
export type ActionField = 'department' | 'assisting' | 'reason' | 'days' | 'note' | 'passed' | 'photos' | 'into'

const FIELDS: Partial<Record<CaseAction, readonly ActionField[]>> = {
  dispatch: ['department', 'assisting', 'note'],
  reject: ['reason'],
  return: ['reason'],
  pause: ['reason'],
  extend: ['reason', 'days'],
  feedback: ['note', 'photos'],
  verify: ['passed', 'note'],
  supervise: ['note', 'days'],
  merge: ['into', 'note'],
}

export function actionFields(action: CaseAction | string): readonly ActionField[] {
  return FIELDS[action as CaseAction] ?? []
}

export const needsDialog = (action: CaseAction | string) => actionFields(action).length > 0

/** Fields that must be filled before the dialog submits. */
export function requiredFields(action: CaseAction | string): readonly ActionField[] {
  switch (action) {
    case 'reject':
    case 'return':
    case 'pause':
      return ['reason']
    case 'extend':
      return ['reason', 'days']
    case 'feedback':
      return ['note']
    case 'verify':
      return ['passed']
    case 'supervise':
      return ['note']
    case 'merge':
      return ['into']
    default:
      return []
  }
}

export interface ActionForm {
  department_code: string
  assisting_department_codes: string[]
  reason: string
  days: number | null
  note: string
  passed: boolean | null
  into: number | null
}

export const emptyActionForm = (c?: Pick<Case, 'department_code'> | null): ActionForm => ({
  department_code: c?.department_code ?? '',
  assisting_department_codes: [],
  reason: '',
  days: null,
  note: '',
  passed: null,
  into: null,
})

const opt = (v: string) => {
  const s = v.trim()
  return s ? s : null
}

/** The missing required fields of a filled dialog (empty when it may be sent). */
export function missingFields(action: CaseAction | string, f: ActionForm): ActionField[] {
  return requiredFields(action).filter((k) => {
    switch (k) {
      case 'reason':
        return !opt(f.reason)
      case 'note':
        return !opt(f.note)
      case 'days':
        return f.days == null || !(f.days > 0)
      case 'passed':
        return f.passed == null
      case 'into':
        return f.into == null
      default:
        return false
    }
  })
}

/**
 * The body of `POST /cases/{id}/actions`: only the fields the action reads, blanks as null, the
 * lead department not repeated among the assisting ones.
 */
export function actionBody(action: CaseAction | string, version: number, f: ActionForm): CaseActionInput {
  const fields = actionFields(action)
  const body: CaseActionInput = { action, version }
  if (fields.includes('department')) body.department_code = opt(f.department_code)
  if (fields.includes('assisting')) {
    const lead = opt(f.department_code)
    const codes = [...new Set(f.assisting_department_codes.map((c) => c.trim()).filter((c) => c && c !== lead))]
    body.assisting_department_codes = codes.length ? codes : null
  }
  if (fields.includes('reason')) body.reason = opt(f.reason)
  if (fields.includes('days')) body.days = f.days != null && f.days > 0 ? Math.trunc(f.days) : null
  if (fields.includes('note')) body.note = opt(f.note)
  if (fields.includes('passed')) body.passed = f.passed
  return body
}

/** The caller's allowed actions in button order; codes the UI does not know are left out. */
export function orderedActions(allowed: readonly string[]): CaseAction[] {
  return ACTION_ORDER.filter((a) => allowed.includes(a))
}

/** The primary (blue) button: the step that moves the case forward. */
export function isForward(a: CaseAction | string): boolean {
  return ['accept', 'dispatch', 'start', 'feedback', 'verify', 'close'].includes(a)
}

/** `h`: natural hours, `wd`: working days (the server's suffixes). */
export type LimitUnit = 'h' | 'wd'
export interface Limit {
  n: number
  unit: LimitUnit
}

type Translate = (key: string, named?: Record<string, unknown>) => string

/** A positive whole number (what a limit's count must be). */
export function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0
}

/** "24h" → {n: 24, unit: 'h'}, "5wd" → {n: 5, unit: 'wd'}; anything else (0, "5d", "1.5h") → null. */
export function parseLimit(limit: string | null | undefined): Limit | null {
  const m = /^([1-9]\d*)(h|wd)$/.exec((limit ?? '').trim())
  if (!m) return null
  const n = Number(m[1])
  return isPositiveInt(n) ? { n, unit: m[2] as LimitUnit } : null
}

/** "24h" → "24小时", "5wd" → "5个工作日"; an unknown form is shown as sent. */
export function limitLabel(limit: string, t: Translate): string {
  const l = parseLimit(limit)
  if (!l) return limit
  return t(l.unit === 'h' ? 'case.limitHours' : 'case.limitWorkdays', { n: l.n })
}
