// v-perms="'user:write'" (or a list, any of which suffices): hides the element without it.
// Hidden rather than removed: Vue may still patch or use the node as an anchor.
import type { Directive, DirectiveBinding } from 'vue'
import { useAuthStore } from '@/stores/auth'
import type { PermRequirement } from '@/router/perms'

function apply(el: HTMLElement, binding: DirectiveBinding<PermRequirement>) {
  const allowed = useAuthStore().can(binding.value)
  if (allowed) {
    if (el.dataset.permsHidden) {
      el.style.display = el.dataset.permsDisplay ?? ''
      delete el.dataset.permsHidden
      delete el.dataset.permsDisplay
    }
  } else if (!el.dataset.permsHidden) {
    el.dataset.permsDisplay = el.style.display
    el.dataset.permsHidden = '1'
    el.style.display = 'none'
  }
}

export const vPerms: Directive<HTMLElement, PermRequirement> = {
  mounted: apply,
  updated: apply,
}
