// 登录日志: filtered, paged, read only.
import { auditApi } from '@/api/audit'
import { usePagedList } from '@/composables/usePagedList'

export function useLoginLogs() {
  return usePagedList(
    ({ range, ...rest }) => auditApi.loginLogs({ ...rest, from: range?.[0], to: range?.[1] }),
    () => ({
      username: '',
      result: undefined as string | undefined,
      range: null as [string, string] | null,
    }),
  )
}
