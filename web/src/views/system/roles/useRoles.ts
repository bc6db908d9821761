// 角色权限: the roles with their data scope and permissions (read only).
import { computed, shallowRef } from 'vue'
import { roleApi } from '@/api/system'
import type { Permission } from '@/api/types'
import { asPaged, usePagedList } from '@/composables/usePagedList'
import { itemsOf } from '@/utils/format'

export function useRoles() {
  const permissions = shallowRef<Permission[]>([])
  const permissionNames = computed(() => new Map(permissions.value.map((p) => [p.code, p.name])))

  const list = usePagedList(async () => {
    const [r, p] = await Promise.all([roleApi.list(), roleApi.permissions().catch(() => ({ items: [], total: 0 }))])
    permissions.value = itemsOf(p)
    return asPaged(itemsOf(r))
  }, () => ({}))

  /** The permission's name from the server, or its code. */
  const permissionLabel = (code: string) => permissionNames.value.get(code) ?? code

  return { ...list, permissionLabel }
}
