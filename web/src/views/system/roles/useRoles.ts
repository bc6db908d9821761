// 角色权限: the roles with their data scope and permissions (read only).
import { computed, onMounted, ref, shallowRef } from 'vue'
import { roleApi } from '@/api/system'
import type { Permission, Role } from '@/api/types'
import { itemsOf } from '@/utils/format'

export function useRoles() {
  const roles = shallowRef<Role[]>([])
  const permissions = shallowRef<Permission[]>([])
  const loading = ref(false)
  const permissionNames = computed(() => new Map(permissions.value.map((p) => [p.code, p.name])))

  async function load() {
    loading.value = true
    try {
      const [r, p] = await Promise.all([roleApi.list(), roleApi.permissions().catch(() => ({ items: [], total: 0 }))])
      roles.value = itemsOf(r)
      permissions.value = itemsOf(p)
    } catch {
      // shown by the client
    } finally {
      loading.value = false
    }
  }

  /** The permission's name from the server, or its code. */
  const permissionLabel = (code: string) => permissionNames.value.get(code) ?? code

  onMounted(load)
  return { roles, loading, load, permissionLabel }
}
