// The phone app's routes under /m/ (history mode; the server answers m.html for /m and /m/*).
// Every page but the login needs a session; pages load on demand.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { safeRedirect } from '@/utils/redirect'
import MobileLayout from './MobileLayout.vue'
import { leaveFor } from './http'

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'm-login',
    component: () => import('./pages/LoginPage.vue'),
    meta: { public: true },
  },
  {
    path: '/',
    component: MobileLayout,
    redirect: { name: 'm-today' },
    children: [
      { path: 'today', name: 'm-today', component: () => import('./pages/TodayPage.vue') },
      { path: 'report', name: 'm-report', component: () => import('./pages/ReportPage.vue') },
      { path: 'patrol', name: 'm-patrol', component: () => import('./pages/PatrolPage.vue') },
      { path: 'inbox', name: 'm-inbox', component: () => import('./pages/InboxPage.vue') },
      { path: 'cases/:id(\\d+)', name: 'm-case', component: () => import('./pages/CasePage.vue'), props: true },
      { path: 'me', name: 'm-me', component: () => import('./pages/MePage.vue') },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: { name: 'm-today' } },
]

export const router = createRouter({ history: createWebHistory('/m/'), routes })

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  await auth.init()
  if (to.meta.public) {
    return to.name === 'm-login' && auth.isLoggedIn ? safeRedirect(to.query.redirect, '/today') : true
  }
  if (!auth.isLoggedIn) return { name: 'm-login', query: { redirect: to.fullPath } }
  // The server refuses everything until these are done; the admin app has their pages.
  if (auth.mustChangePassword) {
    leaveFor('/account/password')
    return false
  }
  if (auth.mustEnrollTotp) {
    leaveFor('/account/totp')
    return false
  }
  return true
})
