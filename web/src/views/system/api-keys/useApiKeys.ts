// 接口密钥: the keys, answered whole (a handful per deployment).
import { apiKeyApi } from '@/api/cases'
import { asPaged, usePagedList } from '@/composables/usePagedList'

export function useApiKeys() {
  return usePagedList(async () => asPaged(await apiKeyApi.list()), () => ({}))
}
