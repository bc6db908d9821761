// Builds the side menu from the route table, keeping only what the user's permissions allow.
import type { RouteRecordRaw } from 'vue-router'
import { hasPermission } from './perms'

export interface MenuItem {
  /** Route name; the test id is `menu-<name>`. */
  name: string
  /** Absolute path. */
  path: string
  /** i18n key */
  title: string
  icon?: string
  children?: MenuItem[]
}

function joinPath(parent: string, child: string): string {
  if (child.startsWith('/')) return child
  const base = parent.endsWith('/') ? parent : `${parent}/`
  return child ? base + child : parent || '/'
}

/**
 * A route is shown when it has a name and a title, is not hidden, is not a dynamic or catch-all
 * path, and its own permission is granted. A group (a route with children) is shown only when at
 * least one child is, so an auditor never sees an empty 系统管理.
 */
export function buildMenu(
  records: readonly RouteRecordRaw[],
  granted: ReadonlySet<string>,
  parentPath = '/',
): MenuItem[] {
  const items: MenuItem[] = []
  for (const r of records) {
    const meta = r.meta ?? {}
    if (meta.hideInMenu || meta.public || !meta.title || typeof r.name !== 'string') continue
    if (r.path.includes(':')) continue
    if (!hasPermission(granted, meta.perm)) continue
    const path = joinPath(parentPath, r.path)
    if (r.children && r.children.length) {
      const children = buildMenu(r.children, granted, path)
      if (!children.length) continue
      items.push({ name: r.name, path, title: meta.title, icon: meta.icon, children })
    } else {
      items.push({ name: r.name, path, title: meta.title, icon: meta.icon })
    }
  }
  return items
}
