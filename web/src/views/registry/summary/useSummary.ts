// 基础信息概况: counts per child unit, with drill-down from a unit into its children.
import { computed, ref, shallowRef } from 'vue'
import { summaryApi } from '@/api/registry'
import type { UnitSummary } from '@/api/types'

/** The age bands the server counts, in display order. */
export const AGE_BANDS = ['0-17', '18-59', '60+', 'unknown'] as const

export interface SummaryTotals {
  residents: number
  buildings: number
  houses: number
  rental_houses: number
  by_registration_type: Record<string, number>
  by_gender: Record<string, number>
  by_age_band: Record<string, number>
  houses_by_use: Record<string, number>
}

function addInto(into: Record<string, number>, from: Record<string, number> | undefined) {
  for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v
}

/** The 合计 row: every count summed over the units shown. */
export function sumSummaries(rows: readonly UnitSummary[]): SummaryTotals {
  const out: SummaryTotals = {
    residents: 0,
    buildings: 0,
    houses: 0,
    rental_houses: 0,
    by_registration_type: {},
    by_gender: {},
    by_age_band: {},
    houses_by_use: {},
  }
  for (const r of rows) {
    out.residents += r.residents
    out.buildings += r.buildings
    out.houses += r.houses
    out.rental_houses += r.rental_houses
    addInto(out.by_registration_type, r.by_registration_type)
    addInto(out.by_gender, r.by_gender)
    addInto(out.by_age_band, r.by_age_band)
    addInto(out.houses_by_use, r.houses_by_use)
  }
  return out
}

export interface Crumb {
  id: number
  name: string
}

export function useSummary() {
  const rows = shallowRef<UnitSummary[]>([])
  const loading = ref(false)
  /** The units drilled into, top first; empty: the top units of the caller's scope. */
  const trail = ref<Crumb[]>([])
  let seq = 0

  const totals = computed(() => sumSummaries(rows.value))

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const answer = await summaryApi.get(trail.value.at(-1)?.id)
      if (mine === seq) rows.value = answer ?? []
    } catch {
      // shown by the client
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function drill(row: Pick<UnitSummary, 'org_unit_id' | 'name'>) {
    trail.value = [...trail.value, { id: row.org_unit_id, name: row.name }]
    return load()
  }

  /** Back to a level of the trail: -1 is the top. */
  function backTo(index: number) {
    trail.value = trail.value.slice(0, index + 1)
    return load()
  }

  return { rows, loading, trail, totals, load, drill, backTo }
}
