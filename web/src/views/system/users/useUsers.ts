// 用户管理: the user list with its filters, role names, lock and unlock.
import { computed, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { roleApi, userApi } from '@/api/system'
import type { Role, User } from '@/api/types'
import { useConfirm } from '@/composables/useConfirm'
import { usePagedList } from '@/composables/usePagedList'
import { useAuthStore } from '@/stores/auth'
import { itemsOf } from '@/utils/format'

export function useUsers() {
  const { t } = useI18n()
  const auth = useAuthStore()
  const { confirm } = useConfirm()
  const list = usePagedList(userApi.list, () => ({
    q: '',
    org_unit_id: undefined as number | undefined,
    role: undefined as string | undefined,
  }))
  const roles = shallowRef<Role[]>([])
  const roleOptions = computed(() => roles.value.map((r) => ({ value: r.code, label: r.name })))

  async function loadRoles() {
    // The role names are only readable with role:read; without it the codes fall back to i18n.
    if (!auth.can(['role:read', 'role:grant'])) return
    try {
      roles.value = itemsOf(await roleApi.list())
    } catch {
      roles.value = []
    }
  }

  async function lock(user: User) {
    if (!(await confirm(t('user.confirmLock', { name: user.display_name }), t('user.lock')))) return
    try {
      await userApi.lock(user.id)
      ElMessage({ type: 'success', message: t('user.locked') })
      await list.load()
    } catch {
      // shown by the client
    }
  }

  async function unlock(user: User) {
    if (!(await confirm(t('user.confirmUnlock', { name: user.display_name }), t('user.unlock')))) return
    try {
      await userApi.unlock(user.id)
      ElMessage({ type: 'success', message: t('user.unlocked') })
      await list.load()
    } catch {
      // shown by the client
    }
  }

  return { ...list, roles, roleOptions, loadRoles, lock, unlock }
}
