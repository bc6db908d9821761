// 我的待办: the caller's to-do list, most urgent deadline first, paged.
import { useRouter } from 'vue-router'
import { caseApi } from '@/api/cases'
import { usePagedList } from '@/composables/usePagedList'
import type { PageQuery } from '@/api/types'

export function useCaseInbox() {
  const router = useRouter()
  const list = usePagedList((q: PageQuery) => caseApi.inbox(q), () => ({}))
  const open = (id: number) => router.push({ name: 'case-detail', params: { id } })
  return { ...list, open }
}
