// 事件统计: counts by state, item and department with the evaluation figures, for an org unit and
// a report date range.
import { reactive, ref, shallowRef } from 'vue'
import { caseApi, statsQuery, type StatsFilters } from '@/api/cases'
import type { CaseStats, ItemCount } from '@/api/types'

export const emptyStatsFilters = (): StatsFilters => ({ org_unit_id: null, dates: null })

/** A percentage as the server sends it (two decimals) → `87.5%`; no figure without cases due. */
export function percent(rate: number | null | undefined, due: number): string {
  if (!due || rate == null || !Number.isFinite(rate)) return '—'
  return `${Number(rate.toFixed(2))}%`
}

/** The items with cases, most first; ties by code, so the table does not jump between loads. */
export function topItems(items: readonly ItemCount[], n = 20): ItemCount[] {
  return items
    .filter((i) => i.count > 0)
    .sort((a, b) => b.count - a.count || a.item_code.localeCompare(b.item_code))
    .slice(0, n)
}

export function useCaseStats() {
  const filters = reactive(emptyStatsFilters())
  const stats = shallowRef<CaseStats | null>(null)
  const loading = ref(false)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const s = await caseApi.stats(statsQuery(filters))
      if (mine === seq) stats.value = s
    } catch {
      // shown by the client
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function reset() {
    Object.assign(filters, emptyStatsFilters())
    return load()
  }

  return { filters, stats, loading, load, reset }
}
