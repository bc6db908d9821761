// 队伍人员: filtered, paged list and delete; the form does create and edit.
import { useI18n } from 'vue-i18n'
import { staffApi } from '@/api/org'
import type { Staff } from '@/api/types'
import { useConfirm } from '@/composables/useConfirm'
import { usePagedList } from '@/composables/usePagedList'

/** Gender as sent by the server: words or GB/T 2261.1 codes (1 male, 2 female). */
export function genderKey(value: string | null | undefined): 'male' | 'female' | null {
  if (value === 'male' || value === '1' || value === '男') return 'male'
  if (value === 'female' || value === '2' || value === '女') return 'female'
  return null
}

export function useStaff() {
  const { t } = useI18n()
  const { confirmDelete } = useConfirm()
  const list = usePagedList(staffApi.list, () => ({
    org_unit_id: undefined as number | undefined,
    q: '',
  }))

  function genderLabel(value: string | null | undefined) {
    const key = genderKey(value)
    return key ? t(`staff.${key}`) : (value ?? '')
  }

  async function remove(row: Staff) {
    if (await confirmDelete(row.name, () => staffApi.remove(row.id))) await list.load()
  }

  return { ...list, remove, genderLabel }
}
