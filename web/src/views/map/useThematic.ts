// 专题图: a metric at grid or community level, coloured by the server's class breaks.
import { computed, ref, shallowRef, watch, type ShallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { mapApi } from '@/api/map'
import type { MapLayerName, Thematic, ThematicLevel, ThematicMetric } from '@/api/types'
import { legendRows, thematicPaint, thematicTarget } from './thematic'
import type { MapWorkbench } from './workbench'

export const CLASS_CHOICES = [3, 4, 5, 6, 7] as const

export function useThematic(
  wb: ShallowRef<MapWorkbench | null>,
  metrics: () => readonly ThematicMetric[],
  showLayer: (name: MapLayerName) => void,
) {
  const { t, te } = useI18n()
  /** '' is 不显示. */
  const metric = ref('')
  const level = ref<ThematicLevel>('grid')
  const classes = ref(5)
  const result = shallowRef<Thematic | null>(null)
  const loading = ref(false)
  let seq = 0

  const metricTitle = (code: string) =>
    te(`map.metric.${code}`) ? t(`map.metric.${code}`) : (metrics().find((m) => m.code === code)?.title ?? code)
  const metricUnit = (code: string, fallback = '') =>
    te(`map.metricUnit.${code}`) ? t(`map.metricUnit.${code}`) : (metrics().find((m) => m.code === code)?.unit ?? fallback)

  const legend = computed(() => (result.value ? legendRows(result.value.breaks) : []))
  const title = computed(() => (result.value ? metricTitle(result.value.metric) : ''))
  const unit = computed(() => (result.value ? metricUnit(result.value.metric, result.value.unit) : ''))
  /** Units with a value, of all the answer names. */
  const covered = computed(() => result.value?.values.filter((v) => v.value != null).length ?? 0)

  function clear() {
    seq++
    result.value = null
    loading.value = false
    wb.value?.setThematic(null)
  }

  async function apply() {
    if (!metric.value) {
      clear()
      return
    }
    const mine = ++seq
    loading.value = true
    try {
      const answer = await mapApi.thematic(level.value, metric.value, classes.value)
      if (mine !== seq) return
      result.value = answer
      wb.value?.setThematic(thematicPaint(answer))
      showLayer(thematicTarget(answer.level).layer)
    } catch {
      if (mine === seq) clear()
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function off() {
    metric.value = ''
  }

  watch([metric, level, classes], apply)

  return { metric, level, classes, result, loading, legend, title, unit, covered, metricTitle, apply, off }
}
