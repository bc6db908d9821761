// 队伍人员: filtered, paged list and delete; the form does create and edit.
import { ElMessage, ElMessageBox } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { staffApi } from '@/api/org'
import type { Staff } from '@/api/types'
import { usePagedList } from '@/composables/usePagedList'

/** Gender as sent by the server: words or GB/T 2261.1 codes (1 male, 2 female). */
export function genderKey(value: string | null | undefined): 'male' | 'female' | null {
  if (value === 'male' || value === '1' || value === '男') return 'male'
  if (value === 'female' || value === '2' || value === '女') return 'female'
  return null
}

export function useStaff() {
  const { t } = useI18n()
  const list = usePagedList(staffApi.list, () => ({
    org_unit_id: undefined as number | undefined,
    q: '',
  }))

  function genderLabel(value: string | null | undefined) {
    const key = genderKey(value)
    return key ? t(`staff.${key}`) : (value ?? '')
  }

  async function remove(row: Staff) {
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
      await staffApi.remove(row.id)
      ElMessage({ type: 'success', message: t('common.deleted') })
      await list.load()
    } catch {
      // shown by the client
    }
  }

  return { ...list, remove, genderLabel }
}
