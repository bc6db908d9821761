// 成员单位: filtered, paged list and delete; the form does create and edit.
import { departmentApi } from '@/api/org'
import type { Department } from '@/api/types'
import { useConfirm } from '@/composables/useConfirm'
import { usePagedList } from '@/composables/usePagedList'

export function useDepartments() {
  const { confirmDelete } = useConfirm()
  const list = usePagedList(departmentApi.list, () => ({
    org_unit_id: undefined as number | undefined,
    q: '',
  }))

  async function remove(row: Department) {
    if (await confirmDelete(row.name, () => departmentApi.remove(row.id))) await list.load()
  }

  return { ...list, remove }
}
