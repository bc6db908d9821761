// Pure logic of the case admin pages under 系统管理 (事项配置, 工作日历): step limits and calendar date lists.
import type { CaseCategory } from '@/api/types'
import { isPositiveInt, type Limit, type LimitUnit } from '@/views/cases/caseFlow'

export { isPositiveInt, limitLabel, parseLimit, type Limit, type LimitUnit } from '@/views/cases/caseFlow'

export const LIMIT_UNITS: readonly LimitUnit[] = ['h', 'wd']
export const SEVERITIES = ['general', 'major', 'urgent'] as const
/** The 15 duties of the member departments, "01".."15". */
export const DEPARTMENT_SEQS = Array.from({ length: 15 }, (_, i) => String(i + 1).padStart(2, '0'))

/** {n: 5, unit: 'wd'} → "5wd"; null when the count is not a positive integer. */
export function formatLimit(limit: Limit): string | null {
  return isPositiveInt(limit.n) && LIMIT_UNITS.includes(limit.unit) ? `${limit.n}${limit.unit}` : null
}

/** The duty select's options: every seq "01".."15", named after the department seen in the items. */
export function departmentOptions(categories: CaseCategory[]): { value: string; label: string }[] {
  const names = new Map<string, string>()
  for (const c of categories)
    for (const item of c.items) if (item.department_name && !names.has(item.department_seq)) names.set(item.department_seq, item.department_name)
  return DEPARTMENT_SEQS.map((seq) => ({ value: seq, label: names.has(seq) ? `${seq} ${names.get(seq)}` : seq }))
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date written `YYYY-MM-DD`. */
export function isDate(s: string): boolean {
  const m = DATE.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

export function inYear(date: string, year: number): boolean {
  return isDate(date) && date.startsWith(`${year}-`)
}

/** Valid dates only, each once, in date order (ISO dates sort as strings). */
export function sortDates(dates: readonly string[]): string[] {
  return [...new Set(dates.map((d) => d.trim()).filter(isDate))].sort()
}

/** Dates that are in both lists (a day cannot be a holiday and a make-up working day). */
export function conflicts(holidays: readonly string[], workdays: readonly string[]): string[] {
  const w = new Set(workdays)
  return sortDates(holidays.filter((d) => w.has(d)))
}

export type AddDateResult = { ok: true; dates: string[] } | { ok: false; reason: 'invalid' | 'outside' | 'duplicate' | 'conflict' }

/** Adds a date to one list, refusing one outside the year, already there, or in the other list. */
export function addDate(list: readonly string[], other: readonly string[], date: string, year: number): AddDateResult {
  if (!isDate(date)) return { ok: false, reason: 'invalid' }
  if (!inYear(date, year)) return { ok: false, reason: 'outside' }
  if (list.includes(date)) return { ok: false, reason: 'duplicate' }
  if (other.includes(date)) return { ok: false, reason: 'conflict' }
  return { ok: true, dates: sortDates([...list, date]) }
}

/** The limit of a date picker that allows only the days of `year`. */
export function outsideYear(year: number): (d: Date) => boolean {
  return (d: Date) => d.getFullYear() !== year
}
