// 审计日志: filtered, paged, read only.
import { auditApi } from '@/api/audit'
import { usePagedList } from '@/composables/usePagedList'

export function useAuditLogs() {
  const list = usePagedList(
    ({ range, ...rest }) => auditApi.auditLogs({ ...rest, from: range?.[0], to: range?.[1] }),
    () => ({
      username: '',
      action: '',
      /** [from, to] as YYYY-MM-DD */
      range: null as [string, string] | null,
    }),
  )
  return list
}
