// 工作台账: the intake register and the rectification register of a month, as pages and XLSX.
import { buildUrl, http, type Query } from './client'
import type { IntakeRegister, PageQuery, RectificationRegister } from './types'

export interface RegisterFilters {
  /** `YYYY-MM` */
  month: string
  org_unit_id?: number | null
  /** Rectification register only: open | overdue | rectified. */
  status?: string
}

/** This month as `YYYY-MM`, in Beijing time (the server's months are China's). */
export function thisMonth(now = new Date()): string {
  const cst = new Date(now.getTime() + (now.getTimezoneOffset() + 480) * 60_000)
  return `${cst.getFullYear()}-${String(cst.getMonth() + 1).padStart(2, '0')}`
}

export function registerQuery(f: RegisterFilters): Query {
  const q: Query = {}
  if (f.month) q.month = f.month
  if (f.org_unit_id != null) q.org_unit_id = f.org_unit_id
  if (f.status) q.status = f.status
  return q
}

export const registersApi = {
  intake: (query: Query & PageQuery) => http.get<IntakeRegister>('/api/v1/registers/intake', { ...query }),
  rectification: (query: Query & PageQuery) =>
    http.get<RectificationRegister>('/api/v1/registers/rectification', { ...query }),
}

export const intakeExportUrl = (f: RegisterFilters) =>
  buildUrl('/api/v1/registers/intake/export', registerQuery({ ...f, status: undefined }))
export const rectificationExportUrl = (f: RegisterFilters) =>
  buildUrl('/api/v1/registers/rectification/export', registerQuery(f))
