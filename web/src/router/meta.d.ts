// Typed route meta (see router/routes.ts).
import 'vue-router'
import type { PermRequirement } from './perms'

export {}

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title, the menu label and the breadcrumb. */
    title?: string
    /** Permission the route needs (any one of a list). */
    perm?: PermRequirement
    /** Reachable without a session. */
    public?: boolean
    /** Key of components/layout/icons.ts. */
    icon?: string
    hideInMenu?: boolean
  }
}
