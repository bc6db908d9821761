// 事件列表: the filtered, paged list of cases in the caller's scope.
import { useRouter } from 'vue-router'
import { caseApi, caseQuery, type CaseFilters } from '@/api/cases'
import { usePagedList } from '@/composables/usePagedList'

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
    (f: CaseFilters & { page?: number; page_size?: number }) =>
      caseApi.list({ ...caseQuery(f), page: f.page, page_size: f.page_size }),
    emptyCaseFilters,
  )
  const open = (id: number) => router.push({ name: 'case-detail', params: { id } })
  return { ...list, open }
}
