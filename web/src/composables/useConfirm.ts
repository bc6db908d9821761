// Asking before what cannot be taken back (delete, lock), with the product's words on the buttons.
import { ElMessage, ElMessageBox } from 'element-plus'
import { useI18n } from 'vue-i18n'

export function useConfirm() {
  const { t } = useI18n()

  /** True when the user chose `action`, false when they cancelled. */
  async function confirm(message: string, action: string): Promise<boolean> {
    try {
      await ElMessageBox.confirm(message, t('common.confirmTitle'), {
        type: 'warning',
        confirmButtonText: action,
        cancelButtonText: t('common.cancel'),
      })
      return true
    } catch {
      return false
    }
  }

  /** Asks to delete `name`, deletes it and says so; true once deleted (the client shows a failure). */
  async function confirmDelete(name: string, remove: () => Promise<unknown>): Promise<boolean> {
    if (!(await confirm(t('common.confirmDelete', { name }), t('common.delete')))) return false
    try {
      await remove()
      ElMessage({ type: 'success', message: t('common.deleted') })
      return true
    } catch {
      return false
    }
  }

  return { confirm, confirmDelete }
}
