// The home page: who the user is, where they work, and shortcuts to what they may open.
import { computed } from 'vue'
import { useAuthStore } from '@/stores/auth'
import { buildMenu, type MenuItem } from '@/router/menu'
import { layoutChildren } from '@/router/routes'
import { formatDateTime } from '@/utils/format'

export function useDashboard() {
  const auth = useAuthStore()
  const user = computed(() => auth.user)
  const lastLogin = computed(() => formatDateTime(auth.user?.last_login_at))
  /** The leaf pages of the menu, for the shortcut tiles. */
  const shortcuts = computed<MenuItem[]>(() =>
    buildMenu(layoutChildren, auth.permissions).flatMap((i) => (i.children ? i.children : [])),
  )
  return { auth, user, lastLogin, shortcuts }
}
