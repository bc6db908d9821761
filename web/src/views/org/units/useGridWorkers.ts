// The grid workers of one grid: who is assigned, and the staff of its community (or of the grid
// itself) to choose from — the server accepts no one else.
import { computed, ref, shallowRef } from 'vue'
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { orgUnitApi, staffApi } from '@/api/org'
import type { Staff } from '@/api/types'

export function useGridWorkers() {
  const { t } = useI18n()
  const workers = shallowRef<Staff[]>([])
  const candidates = shallowRef<Staff[]>([])
  const loading = ref(false)
  const saving = ref(false)
  const editing = ref(false)
  const selection = ref<number[]>([])

  /** Candidates plus anyone assigned who is not among them, so no one silently drops out. */
  const options = computed(() => {
    const seen = new Set(candidates.value.map((s) => s.id))
    return [...candidates.value, ...workers.value.filter((w) => !seen.has(w.id))]
  })

  async function load(gridId: number) {
    loading.value = true
    editing.value = false
    try {
      workers.value = await orgUnitApi.gridWorkers(gridId)
    } catch {
      workers.value = []
    } finally {
      loading.value = false
    }
  }

  async function loadCandidates(gridId: number, communityId: number | null) {
    const units = communityId != null ? [communityId, gridId] : [gridId]
    try {
      const lists = await Promise.all(units.map((id) => staffApi.list({ org_unit_id: id, page_size: 500 })))
      candidates.value = lists.flatMap((l) => l.items)
    } catch {
      candidates.value = []
    }
  }

  async function startEdit(gridId: number, communityId: number | null) {
    selection.value = workers.value.map((w) => w.id)
    editing.value = true
    await loadCandidates(gridId, communityId)
  }

  async function save(gridId: number) {
    saving.value = true
    try {
      workers.value = await orgUnitApi.setGridWorkers(gridId, selection.value)
      editing.value = false
      ElMessage({ type: 'success', message: t('orgUnit.workersSaved') })
    } catch {
      // shown by the client
    } finally {
      saving.value = false
    }
  }

  return { workers, options, loading, saving, editing, selection, load, startEdit, save }
}
