// The router: history mode at base '/', the auth guard, and the document title.
import { createRouter, createWebHistory } from 'vue-router'
import { routes } from './routes'
import { decideNavigation } from './guard'
import { useAuthStore } from '@/stores/auth'
import { i18n } from '@/locales'

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  await auth.init()
  return decideNavigation(to, {
    isLoggedIn: auth.isLoggedIn,
    mustChangePassword: auth.mustChangePassword,
    mustEnrollTotp: auth.mustEnrollTotp,
    permissions: auth.permissions,
  })
})

export function updateDocumentTitle() {
  const { t } = i18n.global
  const key = router.currentRoute.value.meta.title
  document.title = key ? `${t(key)} - ${t('app.title')}` : t('app.title')
}

router.afterEach(() => updateDocumentTitle())
