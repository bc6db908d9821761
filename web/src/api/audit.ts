// Endpoints of the audit administrator: audit log and login log (read only).
import { http } from './client'
import type { AuditLogList, LoginLogList, PageQuery } from './types'

export interface AuditLogQuery extends PageQuery {
  username?: string
  action?: string
  /** YYYY-MM-DD */
  from?: string
  /** YYYY-MM-DD */
  to?: string
}

export interface LoginLogQuery extends PageQuery {
  username?: string
  /** success | bad_password | unknown_user | locked | totp_failed */
  result?: string
  from?: string
  to?: string
}

export const auditApi = {
  auditLogs: (query: AuditLogQuery = {}) => http.get<AuditLogList>('/api/v1/audit-logs', { ...query }),
  loginLogs: (query: LoginLogQuery = {}) => http.get<LoginLogList>('/api/v1/login-logs', { ...query }),
}
