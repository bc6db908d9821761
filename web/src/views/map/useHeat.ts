// 热力图: the cases reported in a date range as a heatmap (the last 30 days at first).
import { ref, shallowRef, type ShallowRef } from 'vue'
import { mapApi } from '@/api/map'
import type { Heat } from '@/api/types'
import { heatPoints, lastDays } from './heat'
import type { MapWorkbench } from './workbench'

export function useHeat(wb: ShallowRef<MapWorkbench | null>) {
  const dates = ref<[string, string] | null>(lastDays(30))
  const heat = shallowRef<Heat | null>(null)
  const loading = ref(false)
  let seq = 0

  async function show() {
    if (!dates.value) return
    let [from, to] = dates.value
    if (from > to) [from, to] = [to, from]
    const mine = ++seq
    loading.value = true
    try {
      const answer = await mapApi.heat(from, to)
      if (mine !== seq) return
      heat.value = answer
      wb.value?.setHeat(heatPoints(answer))
    } catch {
      // shown by the client
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function clear() {
    seq++
    loading.value = false
    heat.value = null
    wb.value?.setHeat(null)
  }

  return { dates, heat, loading, show, clear }
}
