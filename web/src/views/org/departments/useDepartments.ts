// 成员单位: filtered, paged list and delete; the form does create and edit.
import { ElMessage, ElMessageBox } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { departmentApi } from '@/api/org'
import type { Department } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'

export function useDepartments() {
  const { t } = useI18n()
  const list = usePagedList(departmentApi.list, () => ({
    org_unit_id: undefined as number | undefined,
    q: '',
  }))

  async function remove(row: Department) {
    try {
      await ElMessageBox.confirm(t('common.confirmDelete', { name: row.name }), t('common.confirmTitle'), {
        type: 'warning',
        confirmButtonText: t('common.delete'),
        cancelButtonText: t('common.cancel'),
      })
    } catch {
      return
    }
    try {
      await departmentApi.remove(row.id)
      ElMessage({ type: 'success', message: t('common.deleted') })
      await list.load()
    } catch {
      // shown by the client
    }
  }

  return { ...list, remove }
}
