// The navigation rules, as a pure function of the target route and the session state.
import type { LocationQuery, RouteLocationRaw, RouteMeta } from 'vue-router'
import { hasPermission } from './perms'
import { safeRedirect } from '@/utils/redirect'

export interface GuardState {
  isLoggedIn: boolean
  mustChangePassword: boolean
  mustEnrollTotp: boolean
  permissions: ReadonlySet<string>
}

/** The parts of a resolved route the rules look at. */
interface Target {
  name?: string | symbol | null
  fullPath: string
  matched: readonly { meta: RouteMeta }[]
  query: LocationQuery
}

/** `true` lets the navigation through; otherwise where to go instead. */
export function decideNavigation(to: Target, s: GuardState): true | RouteLocationRaw {
  const isPublic = to.matched.some((r) => r.meta.public)
  if (isPublic) {
    if (to.name === 'login' && s.isLoggedIn) return safeRedirect(to.query.redirect)
    return true
  }
  if (!s.isLoggedIn) {
    return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  // The server refuses everything else until these are done; so does the UI.
  if (s.mustChangePassword) {
    return to.name === 'change-password' ? true : { name: 'change-password' }
  }
  if (s.mustEnrollTotp) {
    return to.name === 'totp' ? true : { name: 'totp' }
  }
  for (const record of to.matched) {
    if (!hasPermission(s.permissions, record.meta.perm)) return { name: 'forbidden' }
  }
  return true
}
