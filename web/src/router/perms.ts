// Permission checks shared by the router guard, the menu and the v-perms directive.

/** One permission code, or a list of which any one suffices. */
export type PermRequirement = string | readonly string[]

export function hasPermission(granted: ReadonlySet<string>, req: PermRequirement | undefined | null): boolean {
  if (req === undefined || req === null || req === '') return true
  if (typeof req === 'string') return granted.has(req)
  if (req.length === 0) return true
  return req.some((p) => granted.has(p))
}
