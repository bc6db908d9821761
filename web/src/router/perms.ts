// Permission checks shared by the router guard, the menu and the v-perms directive.

import type { components } from '@/api/schema'

/** A permission code as the server defines it (generated from core's `Permission`). */
export type PermissionCode = components['schemas']['PermissionCode']

/** One permission code, or a list of which any one suffices. */
export type PermRequirement = PermissionCode | readonly PermissionCode[]

export function hasPermission(granted: ReadonlySet<string>, req: PermRequirement | undefined | null): boolean {
  if (req === undefined || req === null) return true
  if (typeof req === 'string') return granted.has(req)
  if (req.length === 0) return true
  return req.some((p) => granted.has(p))
}
