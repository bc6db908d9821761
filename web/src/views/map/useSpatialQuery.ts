// 空间查询: draw a polygon or a circle; the server counts people, houses, places and open cases in
// it and lists the buildings; the list can be exported (楼栋清单).
import { computed, ref, shallowRef, type ShallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import Draw from 'ol/interaction/Draw'
import type { Circle, Geometry } from 'ol/geom'
import { getPointResolution } from 'ol/proj'
import { mapApi } from '@/api/map'
import type { MapQueryResult } from '@/api/types'
import { saveBlob } from '@/utils/download'
import { breakdownRows, circlePolygon, classRows, countRows, queryBody, type QueryShape } from './query'
import type { MapWorkbench } from './workbench'

export type DrawKind = 'polygon' | 'circle'

const OWNER = 'query'

export function useSpatialQuery(wb: ShallowRef<MapWorkbench | null>, codeName: (table: string, code: string) => string) {
  const { t } = useI18n()
  const drawing = ref<DrawKind | null>(null)
  const shape = shallowRef<QueryShape | null>(null)
  const result = shallowRef<MapQueryResult | null>(null)
  const loading = ref(false)
  const exporting = ref(false)
  let draw: Draw | null = null
  let seq = 0

  const counts = computed(() => (result.value ? countRows(result.value.counts) : []))
  const byType = computed(() => breakdownRows(result.value?.residents_by_type, (c) => codeName('registration_types', c)))
  const byKind = computed(() => breakdownRows(result.value?.special_groups_by_kind, (c) => codeName('special_groups', c)))
  const byClass = computed(() =>
    classRows(result.value?.rental_by_class, (c) => (c === 'unclassified' ? t('rental.unclassified') : t(`rental.class.${c}`))),
  )

  function stopDrawing() {
    const w = wb.value
    if (draw && w) w.map.removeInteraction(draw)
    draw = null
    drawing.value = null
    w?.release(OWNER)
  }

  /** What was drawn, in WGS-84; a circle's radius in metres on the ground. */
  function shapeOf(w: MapWorkbench, geometry: Geometry): QueryShape | null {
    if (geometry.getType() === 'Circle') {
      const circle = geometry as Circle
      const center = circle.getCenter()
      const metresPerUnit = getPointResolution(w.map.getView().getProjection(), 1, center, 'm')
      const [lon, lat] = w.toLonLat(center)
      return { kind: 'circle', circle: { lon, lat, radius_m: circle.getRadius() * metresPerUnit } }
    }
    if (geometry.getType() === 'Polygon' || geometry.getType() === 'MultiPolygon') {
      return { kind: 'polygon', geometry: w.writeArea(geometry) }
    }
    return null
  }

  function start(kind: DrawKind) {
    const w = wb.value
    if (!w) return
    stopDrawing()
    w.claim(OWNER, stopDrawing)
    w.querySource.clear()
    const mine = new Draw({ source: w.querySource, type: kind === 'polygon' ? 'Polygon' : 'Circle' })
    draw = mine
    mine.on('drawstart', () => w.querySource.clear())
    mine.on('drawend', (e) => {
      const geometry = e.feature.getGeometry()
      const s = geometry ? shapeOf(w, geometry) : null
      if (s?.kind === 'circle') {
        // Shown as the circle on the ground that the server counts in.
        const ground = w.readGeometry(circlePolygon(s.circle))
        if (ground) e.feature.setGeometry(ground)
      }
      // Let go of the map a moment later: the double-click that may have ended the polygon is still
      // on its way, and must neither zoom the map nor open a popup.
      setTimeout(() => {
        if (draw === mine) stopDrawing()
      }, 300)
      if (s) void run(s)
    })
    w.map.addInteraction(mine)
    drawing.value = kind
  }

  async function run(s: QueryShape) {
    shape.value = s
    const mine = ++seq
    loading.value = true
    try {
      const answer = await mapApi.query(queryBody(s))
      if (mine === seq) result.value = answer
    } catch {
      if (mine === seq) result.value = null
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function clear() {
    seq++
    stopDrawing()
    wb.value?.querySource.clear()
    shape.value = null
    result.value = null
    loading.value = false
  }

  async function exportXlsx() {
    if (!shape.value) return
    exporting.value = true
    try {
      const file = await mapApi.queryXlsx(queryBody(shape.value))
      saveBlob(file.blob, file.fileName ?? `${t('map.query.exportFile')}.xlsx`)
    } catch {
      // shown by the client
    } finally {
      exporting.value = false
    }
  }

  /** Shows a listed building on the map. */
  function flyToBuilding(lon: number, lat: number) {
    wb.value?.fly({ kind: 'point', center: [lon, lat], zoom: 18 })
  }

  return { drawing, shape, result, loading, exporting, counts, byType, byKind, byClass, start, stopDrawing, clear, exportXlsx, flyToBuilding }
}
