// The org unit page: the tree, the selected unit, and its create/edit/delete.
import { computed, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { orgUnitApi } from '@/api/org'
import type { OrgUnit, OrgUnitNode } from '@/api/types'
import { useOrgStore } from '@/stores/org'
import { childLevel } from '@/utils/tree'

export function useOrgUnits() {
  const { t } = useI18n()
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
    try {
      await ElMessageBox.confirm(t('common.confirmDelete', { name: unit.name }), t('common.confirmTitle'), {
        type: 'warning',
        confirmButtonText: t('common.delete'),
        cancelButtonText: t('common.cancel'),
      })
    } catch {
      return
    }
    try {
      await orgUnitApi.remove(unit.id)
      ElMessage({ type: 'success', message: t('common.deleted') })
      const parentId = unit.parent_id
      detail.value = null
      selectedId.value = null
      await loadTree(true)
      if (parentId != null) await select(parentId)
    } catch {
      // shown by the client (e.g. 409 when it still has sub-units)
    }
  }

  return { org, selectedId, detail, detailLoading, node, parent, nextLevel, loadTree, select, afterSave, remove }
}
