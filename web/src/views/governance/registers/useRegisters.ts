// 工作台账: each register's filtered, paged list of a month and its export.
import { intakeExportUrl, rectificationExportUrl, registerQuery, registersApi, thisMonth, type RegisterFilters } from '@/api/registers'
import type { PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'

export const emptyRegisterFilters = (): RegisterFilters => ({ month: thisMonth(), org_unit_id: null, status: '' })

export function useIntakeRegister() {
  const list = usePagedList(
    (f: RegisterFilters & PageQuery) => registersApi.intake({ ...registerQuery(f), ...paging(f) }),
    emptyRegisterFilters,
  )
  const exportXlsx = () => {
    window.location.href = intakeExportUrl(list.filters)
  }
  return { ...list, exportXlsx }
}

export function useRectificationRegister() {
  const list = usePagedList(
    (f: RegisterFilters & PageQuery) => registersApi.rectification({ ...registerQuery(f), ...paging(f) }),
    emptyRegisterFilters,
  )
  const exportXlsx = () => {
    window.location.href = rectificationExportUrl(list.filters)
  }
  return { ...list, exportXlsx }
}
