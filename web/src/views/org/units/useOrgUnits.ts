// The org unit page: the selected unit, what is around it, and its create/edit/delete. The tree on
// the left loads lazily through the org store; the unit's answer names its ancestors and counts
// its children, so nothing here needs the whole tree.
import { computed, ref, shallowRef } from 'vue'
import { orgUnitApi } from '@/api/org'
import type { OrgUnit, OrgUnitRef } from '@/api/types'
import { useConfirm } from '@/composables/useConfirm'
import { useOrgStore } from '@/stores/org'
import { childLevel } from '@/utils/tree'

export function useOrgUnits() {
  const { confirmDelete } = useConfirm()
  const org = useOrgStore()
  const selectedId = ref<number | null>(null)
  const detail = shallowRef<OrgUnit | null>(null)
  const detailLoading = ref(false)

  /** The parent, when the caller can see it (a unit at the top of their scope has none in sight). */
  const parent = computed<OrgUnitRef | undefined>(() => {
    const d = detail.value
    const last = d?.ancestors?.at(-1)
    return d && last && last.id === d.parent_id ? last : undefined
  })
  const childCount = computed(() => detail.value?.child_count ?? 0)
  const nextLevel = computed(() => (detail.value ? childLevel(detail.value.level) : null))
  /** A grid's community (itself for a community). */
  const community = computed<OrgUnitRef | undefined>(() => {
    const d = detail.value
    if (!d) return undefined
    if (d.level === 'community') return { id: d.id, level: d.level, name: d.name }
    return [...(d.ancestors ?? [])].reverse().find((a) => a.level === 'community')
  })

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

  /** The parent with its code, for the form's code rules (null: out of sight or none). */
  async function parentUnit(): Promise<OrgUnit | null> {
    const p = parent.value
    return p ? org.unit(p.id).catch(() => null) : null
  }

  async function remove(): Promise<{ parentId: number | null } | null> {
    const unit = detail.value
    if (!unit) return null
    // A unit with sub-units answers 409, shown by the client.
    if (!(await confirmDelete(unit.name, () => orgUnitApi.remove(unit.id)))) return null
    const parentId = parent.value?.id ?? null
    detail.value = null
    selectedId.value = null
    org.invalidate()
    if (parentId != null) await select(parentId)
    return { parentId }
  }

  return { org, selectedId, detail, detailLoading, parent, childCount, nextLevel, community, select, parentUnit, remove }
}
