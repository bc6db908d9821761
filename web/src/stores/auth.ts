// The auth store: the session (user, roles, permissions, CSRF token) from login or /auth/me,
// and the idle timer that notices when the server's idle timeout has ended the session.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi } from '@/api/auth'
import type { LoginRequest, Session } from '@/api/types'
import { hasPermission, type PermRequirement } from '@/router/perms'

/** Extra wait past the server's idle timeout before the client checks, so the check itself
 * never keeps a session alive that the user left. */
const IDLE_CHECK_GRACE_MS = 5_000

export const useAuthStore = defineStore('auth', () => {
  const session = ref<Session | null>(null)
  /** True once the start-up probe has answered, whatever it answered. */
  const initialized = ref(false)
  let idleTimer: ReturnType<typeof setTimeout> | undefined

  const user = computed(() => session.value?.user ?? null)
  const isLoggedIn = computed(() => session.value !== null)
  const permissions = computed(() => new Set(session.value?.permissions ?? []))
  const roles = computed(() => session.value?.roles ?? [])
  const csrfToken = computed(() => session.value?.csrf_token ?? null)
  const mustChangePassword = computed(() => session.value?.must_change_password ?? false)
  const mustEnrollTotp = computed(() => session.value?.must_enroll_totp ?? false)

  function can(req: PermRequirement | undefined): boolean {
    return hasPermission(permissions.value, req)
  }

  function setSession(s: Session) {
    session.value = s
    initialized.value = true
    touch()
  }

  function clear() {
    session.value = null
    initialized.value = true
    if (idleTimer) clearTimeout(idleTimer)
    idleTimer = undefined
  }

  /** Start-up probe: recovers the session (and its CSRF token) after a reload. */
  async function init(): Promise<void> {
    if (initialized.value) return
    try {
      setSession(await authApi.me(true))
    } catch {
      clear()
    }
  }

  /** Reloads the session, e.g. after the password was changed or TOTP enabled. */
  async function refresh(): Promise<Session> {
    const s = await authApi.me()
    setSession(s)
    return s
  }

  async function login(body: LoginRequest): Promise<Session> {
    const s = await authApi.login(body)
    setSession(s)
    return s
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } finally {
      clear()
    }
  }

  /** Called on every server answer: restarts the idle timer. */
  function touch() {
    if (idleTimer) clearTimeout(idleTimer)
    idleTimer = undefined
    const minutes = session.value?.idle_timeout_minutes
    if (!minutes || minutes <= 0) return
    idleTimer = setTimeout(() => {
      // A 401 here goes through the client's unauthenticated hook: message and login page.
      if (session.value) authApi.me().then(setSession, () => {})
    }, minutes * 60_000 + IDLE_CHECK_GRACE_MS)
  }

  return {
    session,
    initialized,
    user,
    isLoggedIn,
    permissions,
    roles,
    csrfToken,
    mustChangePassword,
    mustEnrollTotp,
    can,
    setSession,
    clear,
    init,
    refresh,
    login,
    logout,
    touch,
  }
})
