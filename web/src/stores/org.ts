// The org unit tree of the caller's data scope, loaded once and shared by the pickers and pages.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { orgUnitApi } from '@/api/org'
import type { OrgUnitNode } from '@/api/types'
import { findNode, findPath } from '@/utils/tree'

export const useOrgStore = defineStore('org', () => {
  const tree = ref<OrgUnitNode[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  let pending: Promise<OrgUnitNode[]> | null = null

  async function load(force = false): Promise<OrgUnitNode[]> {
    if (loaded.value && !force) return tree.value
    if (pending && !force) return pending
    loading.value = true
    pending = orgUnitApi
      .tree()
      .then((roots) => {
        tree.value = roots ?? []
        loaded.value = true
        return tree.value
      })
      .finally(() => {
        loading.value = false
        pending = null
      })
    return pending
  }

  function node(id: number | null | undefined): OrgUnitNode | undefined {
    return id == null ? undefined : findNode(tree.value, id)
  }

  function path(id: number): OrgUnitNode[] {
    return findPath(tree.value, id)
  }

  function reset() {
    tree.value = []
    loaded.value = false
  }

  return { tree, loaded, loading, load, node, path, reset }
})
