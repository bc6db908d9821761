// 我的待办: the caller's to-do list, most urgent deadline first, paged.
import { useRouter } from 'vue-router'
import { caseApi } from '@/api/cases'
import { usePagedList } from '@/composables/usePagedList'

export function useCaseInbox() {
  const router = useRouter()
  const list = usePagedList((q: { page?: number; page_size?: number }) => caseApi.inbox(q), () => ({}))
  const open = (id: number) => router.push({ name: 'case-detail', params: { id } })
  return { ...list, open }
}
