// 事件列表: the filtered, paged list of cases in the caller's scope.
import { useRouter } from 'vue-router'
import { caseApi, caseQuery, type CaseFilters } from '@/api/cases'
import { paging, usePagedList } from '@/composables/usePagedList'
import type { PageQuery } from '@/api/types'

export const emptyCaseFilters = (): CaseFilters => ({
  states: [],
  item_code: '',
  org_unit_id: null,
  department_code: '',
  overdue: false,
  source: '',
  dates: null,
})

export function useCaseList() {
  const router = useRouter()
  const list = usePagedList(
    (f: CaseFilters & PageQuery) =>
      caseApi.list({ ...caseQuery(f), ...paging(f) }),
    emptyCaseFilters,
  )
  const open = (id: number) => router.push({ name: 'case-detail', params: { id } })
  return { ...list, open }
}
