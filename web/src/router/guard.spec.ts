import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { decideNavigation, type GuardState } from './guard'
import { routes } from './routes'
import { safeRedirect } from '@/utils/redirect'

const router = createRouter({ history: createMemoryHistory(), routes })
const to = (path: string) => router.resolve(path)

const state = (over: Partial<GuardState> = {}): GuardState => ({
  isLoggedIn: true,
  mustChangePassword: false,
  mustEnrollTotp: false,
  permissions: new Set(),
  ...over,
})

describe('decideNavigation', () => {
  it('sends a visitor without a session to login, remembering the page', () => {
    expect(decideNavigation(to('/system/users?q=a'), state({ isLoggedIn: false }))).toEqual({
      name: 'login',
      query: { redirect: '/system/users?q=a' },
    })
    expect(decideNavigation(to('/'), state({ isLoggedIn: false }))).toEqual({ name: 'login', query: {} })
  })

  it('lets anyone see the login page, and sends a logged-in user on', () => {
    expect(decideNavigation(to('/login'), state({ isLoggedIn: false }))).toBe(true)
    expect(decideNavigation(to('/login?redirect=/org/units'), state())).toBe('/org/units')
    expect(decideNavigation(to('/login?redirect=//evil.example'), state())).toBe('/')
  })

  it('sends a user without the permission to the 403 page', () => {
    expect(decideNavigation(to('/system/users'), state())).toEqual({ name: 'forbidden' })
    expect(decideNavigation(to('/system/users'), state({ permissions: new Set(['user:read']) }))).toBe(true)
    expect(decideNavigation(to('/audit/logs'), state({ permissions: new Set(['user:read']) }))).toEqual({
      name: 'forbidden',
    })
  })

  it('checks each organisation page by its own permission', () => {
    const gridWorker = state({ permissions: new Set(['org:read']) })
    expect(decideNavigation(to('/org/units'), gridWorker)).toBe(true)
    expect(decideNavigation(to('/org/staff'), gridWorker)).toEqual({ name: 'forbidden' })
    expect(decideNavigation(to('/org/departments'), gridWorker)).toEqual({ name: 'forbidden' })
    expect(decideNavigation(to('/org/staff'), state({ permissions: new Set(['staff:read']) }))).toBe(true)
  })

  it('checks the permission of a group record as well as the page', () => {
    // /audit needs audit:read on the group record.
    expect(decideNavigation(to('/audit/logs'), state({ permissions: new Set(['user:read']) }))).toEqual({
      name: 'forbidden',
    })
  })

  it('lets pages without a permission through', () => {
    expect(decideNavigation(to('/'), state())).toBe(true)
    expect(decideNavigation(to('/account/password'), state())).toBe(true)
    expect(decideNavigation(to('/no/such/page'), state())).toBe(true)
  })

  it('forces the password change, then the TOTP enrolment', () => {
    const mustChange = state({ mustChangePassword: true, mustEnrollTotp: true, permissions: new Set(['user:read']) })
    expect(decideNavigation(to('/system/users'), mustChange)).toEqual({ name: 'change-password' })
    expect(decideNavigation(to('/account/totp'), mustChange)).toEqual({ name: 'change-password' })
    expect(decideNavigation(to('/account/password'), mustChange)).toBe(true)

    const mustEnroll = state({ mustEnrollTotp: true, permissions: new Set(['user:read']) })
    expect(decideNavigation(to('/system/users'), mustEnroll)).toEqual({ name: 'totp' })
    expect(decideNavigation(to('/account/totp'), mustEnroll)).toBe(true)
  })
})

describe('safeRedirect', () => {
  it('keeps paths inside the app', () => {
    expect(safeRedirect('/org/units?x=1')).toBe('/org/units?x=1')
    expect(safeRedirect(['/audit/logs'])).toBe('/audit/logs')
  })

  it('refuses other sites, odd values and the login page itself', () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', null, 3, '/login?redirect=/x']) {
      expect(safeRedirect(bad)).toBe('/')
    }
  })
})
