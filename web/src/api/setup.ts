// Wires the HTTP client to the app: CSRF token from the auth store, messages with ElMessage,
// and the navigation the server's 401/403 codes call for.
import { ElMessage } from 'element-plus'
import type { Router } from 'vue-router'
import { http, type ApiError, NETWORK_ERROR } from './client'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/locales'

/** The text to show for an error: the server's (Chinese) message, or a generic one. */
export function errorText(err: ApiError): string {
  const { t } = i18n.global
  if (err.message) return err.message
  if (err.code === NETWORK_ERROR) return t('error.network')
  if (err.code === 'invalid_response') return t('error.invalidResponse')
  if (err.status >= 500) return t('error.server')
  return t('error.http', { status: err.status })
}

export function setupHttp(router: Router) {
  const auth = useAuthStore()
  const { t } = i18n.global
  let expiredShown = false

  http.setHooks({
    csrfToken: () => auth.csrfToken,
    notify: (err) => {
      ElMessage({ type: 'error', message: errorText(err), grouping: true })
    },
    onActivity: () => auth.touch(),
    onUnauthenticated: () => {
      const hadSession = auth.isLoggedIn
      auth.clear()
      const current = router.currentRoute.value
      if (hadSession && !expiredShown) {
        expiredShown = true
        ElMessage({ type: 'warning', message: t('auth.sessionExpired'), grouping: true })
        setTimeout(() => (expiredShown = false), 3000)
      }
      if (current.name !== 'login') {
        router.replace({
          name: 'login',
          query: current.fullPath && current.fullPath !== '/' ? { redirect: current.fullPath } : {},
        })
      }
    },
    onPasswordChangeRequired: (err) => {
      if (auth.session) auth.session.must_change_password = true
      ElMessage({ type: 'warning', message: err.message || t('auth.passwordChangeRequired'), grouping: true })
      router.replace({ name: 'change-password' })
    },
    onTotpEnrollmentRequired: (err) => {
      if (auth.session) auth.session.must_enroll_totp = true
      ElMessage({ type: 'warning', message: err.message || t('auth.totpEnrollmentRequired'), grouping: true })
      router.replace({ name: 'totp' })
    },
  })
}
