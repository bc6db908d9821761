// Wires the shared HTTP client (web/src/api/client.ts) to the phone app: the same session cookie
// and CSRF header as the admin app, errors as toasts, and a lost session back to /m/login.
import type { Router } from 'vue-router'
import { http, type ApiError, NETWORK_ERROR } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { i18n } from './i18n'
import { showToast } from './toast'

/** The text to show for an error: the server's (Chinese) message, or a generic one. */
export function errorText(err: ApiError): string {
  const { t } = i18n.global
  if (err.message) return err.message
  if (err.code === NETWORK_ERROR) return t('error.network')
  if (err.status >= 500) return t('error.server')
  return t('error.http', { status: err.status })
}

/** What the server still asks before anything else: done in the admin app's own pages. */
export function leaveFor(path: string) {
  window.location.assign(path)
}

export function setupHttp(router: Router) {
  const auth = useAuthStore()
  http.setHooks({
    csrfToken: () => auth.csrfToken,
    notify: (err) => showToast(errorText(err), 'error'),
    onActivity: () => auth.touch(),
    onUnauthenticated: () => {
      auth.clear()
      const current = router.currentRoute.value
      if (current.name !== 'm-login') {
        showToast(i18n.global.t('auth.sessionExpired'), 'info')
        router.replace({ name: 'm-login', query: { redirect: current.fullPath } })
      }
    },
    onPasswordChangeRequired: () => leaveFor('/account/password'),
    onTotpEnrollmentRequired: () => leaveFor('/account/totp'),
  })
}
