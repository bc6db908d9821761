import type { RouteRecordRaw } from 'vue-router'
import { describe, expect, it } from 'vitest'
import { buildMenu, type MenuItem } from './menu'
import { layoutChildren } from './routes'
import { hasPermission } from './perms'

const names = (items: MenuItem[]): string[] =>
  items.flatMap((i) => [i.name, ...(i.children ? names(i.children) : [])])

const perms = (...codes: string[]) => new Set(codes)

describe('buildMenu over the real route table', () => {
  it('shows only the home page without permissions', () => {
    expect(names(buildMenu(layoutChildren, perms()))).toEqual(['dashboard'])
  })

  it('shows each organisation page by its own read permission', () => {
    // A grid worker: org:read only.
    expect(names(buildMenu(layoutChildren, perms('org:read')))).toEqual(['dashboard', 'org', 'org-units'])
    // A department handler: org:read and department:read.
    expect(names(buildMenu(layoutChildren, perms('org:read', 'department:read')))).toEqual([
      'dashboard',
      'org',
      'org-units',
      'departments',
    ])
    // Staff without the tree still get the group.
    expect(names(buildMenu(layoutChildren, perms('staff:read')))).toEqual(['dashboard', 'org', 'staff'])
  })

  it('shows the whole organisation group to an officer', () => {
    const menu = buildMenu(layoutChildren, perms('org:read', 'department:read', 'staff:read'))
    expect(names(menu)).toEqual(['dashboard', 'org', 'org-units', 'departments', 'staff'])
    const org = menu.find((i) => i.name === 'org')
    expect(org?.path).toBe('/org')
    expect(org?.children?.map((c) => c.path)).toEqual(['/org/units', '/org/departments', '/org/staff'])
    expect(org?.title).toBe('menu.org')
  })

  it('shows 系统管理 with only the pages permitted', () => {
    expect(names(buildMenu(layoutChildren, perms('user:read')))).toEqual(['dashboard', 'system', 'users'])
    expect(names(buildMenu(layoutChildren, perms('role:read')))).toEqual(['dashboard', 'system', 'roles'])
    expect(names(buildMenu(layoutChildren, perms('user:read', 'role:read')))).toEqual([
      'dashboard',
      'system',
      'users',
      'roles',
    ])
  })

  it('gives the audit administrator the logs and nothing else', () => {
    expect(names(buildMenu(layoutChildren, perms('audit:read')))).toEqual([
      'dashboard',
      'audit',
      'audit-logs',
      'login-logs',
    ])
  })

  it('shows 基础信息 by registry:read and resident:read, and 数据导入 only with registry:write', () => {
    const reader = buildMenu(layoutChildren, perms('registry:read', 'resident:read'))
    expect(names(reader)).toEqual([
      'dashboard',
      'registry',
      'registry-residents',
      'registry-buildings',
      'registry-houses',
      'registry-property-companies',
      'registry-key-places',
      'registry-key-enterprises',
      'registry-summary',
    ])
    const writer = buildMenu(layoutChildren, perms('registry:read', 'registry:write', 'resident:read', 'resident:write'))
    const registry = writer.find((i) => i.name === 'registry')
    expect(registry?.title).toBe('menu.registry')
    expect(registry?.children?.map((c) => c.path)).toEqual([
      '/registry/residents',
      '/registry/buildings',
      '/registry/houses',
      '/registry/property-companies',
      '/registry/key-places',
      '/registry/key-enterprises',
      '/registry/import',
      '/registry/summary',
    ])
    // The system administrator has no registry permission on purpose.
    expect(names(buildMenu(layoutChildren, perms('org:read', 'user:read', 'role:read')))).not.toContain('registry')
  })

  it('never lists the account pages, error pages or the catch-all', () => {
    const all = names(
      buildMenu(
        layoutChildren,
        perms('org:read', 'department:read', 'staff:read', 'user:read', 'role:read', 'audit:read', 'token:create'),
      ),
    )
    for (const hidden of ['account', 'change-password', 'totp', 'forbidden', 'not-found']) {
      expect(all).not.toContain(hidden)
    }
  })
})

describe('the map workbench in the menu', () => {
  it('shows 图上办公 at the top level by map:read, right after the home page', () => {
    expect(names(buildMenu(layoutChildren, perms('map:read')))).toEqual(['dashboard', 'map'])
    const map = buildMenu(layoutChildren, perms('map:read', 'org:read')).find((i) => i.name === 'map')
    expect(map).toMatchObject({ path: '/map', title: 'menu.map', icon: 'map' })
    expect(map?.children).toBeUndefined()
    expect(names(buildMenu(layoutChildren, perms('org:read', 'org:write')))).not.toContain('map')
  })

  it('loads the map page lazily, so OpenLayers stays out of the main bundle', () => {
    const route = layoutChildren.find((r) => r.name === 'map')
    expect(typeof route?.component).toBe('function')
    expect(String(route?.component)).toContain('views/map/index.vue')
  })
})

describe('buildMenu rules', () => {
  it('drops a group whose children are all hidden, even when the group needs no permission', () => {
    const routes: RouteRecordRaw[] = [
      {
        path: 'g',
        name: 'g',
        meta: { title: 't.g' },
        children: [{ path: 'a', name: 'a', meta: { title: 't.a', perm: 'org:read' }, component: {} }],
      },
    ]
    expect(buildMenu(routes, perms())).toEqual([])
    expect(names(buildMenu(routes, perms('org:read')))).toEqual(['g', 'a'])
  })

  it('hides a whole group when the group itself needs a missing permission', () => {
    const routes: RouteRecordRaw[] = [
      {
        path: 'g',
        name: 'g',
        meta: { title: 't.g', perm: 'org:read' },
        children: [{ path: 'a', name: 'a', meta: { title: 't.a' }, component: {} }],
      },
    ]
    expect(buildMenu(routes, perms())).toEqual([])
  })

  it('accepts any one of a list of permissions', () => {
    const routes: RouteRecordRaw[] = [
      { path: 'a', name: 'a', meta: { title: 't.a', perm: ['org:read', 'map:read'] }, component: {} },
    ]
    expect(names(buildMenu(routes, perms('map:read')))).toEqual(['a'])
    expect(buildMenu(routes, perms('user:read'))).toEqual([])
  })
})

describe('hasPermission', () => {
  it('handles no requirement, one code and a list', () => {
    expect(hasPermission(perms(), undefined)).toBe(true)
    expect(hasPermission(perms(), null)).toBe(true)
    expect(hasPermission(perms(), [])).toBe(true)
    expect(hasPermission(perms('org:read'), 'org:read')).toBe(true)
    expect(hasPermission(perms('org:read'), 'map:read')).toBe(false)
    expect(hasPermission(perms('org:read'), ['map:read', 'org:read'])).toBe(true)
  })
})
