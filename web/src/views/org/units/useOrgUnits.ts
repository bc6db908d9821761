// The org unit page: the tree, the selected unit, and its create/edit/delete.
import { computed, ref, shallowRef } from 'vue'
import { orgUnitApi } from '@/api/org'
import type { OrgUnit, OrgUnitNode } from '@/api/types'
import { useConfirm } from '@/composables/useConfirm'
import { useOrgStore } from '@/stores/org'
import { childLevel } from '@/utils/tree'

export function useOrgUnits() {
  const { confirmDelete } = useConfirm()
  const org = useOrgStore()
  const selectedId = ref<number | null>(null)
  const detail = shallowRef<OrgUnit | null>(null)
  const detailLoading = ref(false)

  const node = computed<OrgUnitNode | undefined>(() => org.node(selectedId.value))
  const parent = computed<OrgUnitNode | undefined>(() => {
    const id = detail.value?.parent_id ?? node.value?.parent_id
    return id == null ? undefined : org.node(id)
  })
  const nextLevel = computed(() => (detail.value ? childLevel(detail.value.level) : null))

  async function loadTree(force = false) {
    try {
      const roots = await org.load(force)
      const first = roots[0]
      if (selectedId.value == null && first) await select(first.id)
    } catch {
      // shown by the client
    }
  }

  async function select(id: number) {
    selectedId.value = id
    detailLoading.value = true
    try {
      const unit = await orgUnitApi.get(id)
      if (selectedId.value === id) detail.value = unit
    } catch {
      if (selectedId.value === id) detail.value = null
    } finally {
      detailLoading.value = false
    }
  }

  async function afterSave(saved: OrgUnit | undefined) {
    await loadTree(true)
    await select(saved?.id ?? selectedId.value ?? 0)
  }

  async function remove() {
    const unit = detail.value
    if (!unit) return
    // A unit with sub-units answers 409, shown by the client.
    if (!(await confirmDelete(unit.name, () => orgUnitApi.remove(unit.id)))) return
    const parentId = unit.parent_id
    detail.value = null
    selectedId.value = null
    await loadTree(true)
    if (parentId != null) await select(parentId)
  }

  return { org, selectedId, detail, detailLoading, node, parent, nextLevel, loadTree, select, afterSave, remove }
}
