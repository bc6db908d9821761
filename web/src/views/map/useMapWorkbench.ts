// 图上办公, the page's own state: the configuration, the map, which layers are on, and the popup
// of the clicked feature. The panels' composables (thematic, heat, query, grid drawing, search)
// work on the map this one creates.
import { markRaw, reactive, ref, shallowRef, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import Overlay from 'ol/Overlay'
import type { Coordinate } from 'ol/coordinate'
import type MapBrowserEvent from 'ol/MapBrowserEvent'
import { mapApi } from '@/api/map'
import type { MapConfig, MapLayerName } from '@/api/types'
import { initialVisibility, orderedLayers, type MapLayerDef } from './layers'
import { createWorkbench, type MapWorkbench } from './workbench'

export interface PopupState {
  open: boolean
  layer: MapLayerName | null
  id: number | string | null
  /** What the popup shows: the server's display fields, or the tile's properties until they come. */
  properties: Record<string, unknown>
  /** The tile's own properties (a grid's `parent_id`, …), for the map's own use. */
  tile: Record<string, unknown>
  loading: boolean
}

type TestWindow = Window & { __zgMap?: unknown }

export function useMapWorkbench() {
  const { t, te, locale } = useI18n()
  const config = shallowRef<MapConfig | null>(null)
  const wb = shallowRef<MapWorkbench | null>(null)
  const loading = ref(true)
  const failed = ref(false)
  const visible = reactive<Record<string, boolean>>({})
  const popup = reactive<PopupState>({ open: false, layer: null, id: null, properties: {}, tile: {}, loading: false })
  let overlay: Overlay | null = null
  let popupSeq = 0

  const layers = () => orderedLayers(config.value?.layers ?? [])

  /** The layer's name in the UI language; the server's title for a layer the UI does not know. */
  function layerTitle(def: MapLayerDef | MapLayerName): string {
    const name = typeof def === 'string' ? def : def.name
    if (te(`map.layer.${name}`)) return t(`map.layer.${name}`)
    return typeof def === 'string' ? (config.value?.layers.find((l) => l.name === def)?.title ?? def) : def.title
  }

  function showLayer(name: MapLayerName) {
    if (name in visible) visible[name] = true
  }

  watch(
    visible,
    (v) => {
      for (const [name, on] of Object.entries(v)) wb.value?.setLayerVisible(name as MapLayerName, on)
    },
    { deep: true },
  )
  watch(locale, (l) => wb.value?.setLocale(l))

  function closePopup() {
    popupSeq++
    popup.open = false
    popup.loading = false
    overlay?.setPosition(undefined)
  }

  /**
   * Opens the popup at once with what the tile knows, then shows the server's display fields
   * instead (they name things for people; the tile's codes are for drawing).
   */
  async function openPopup(layer: MapLayerName, id: number | string, coordinate: Coordinate, tile = {}) {
    const mine = ++popupSeq
    Object.assign(popup, { open: true, layer, id, properties: { ...tile }, tile: { ...tile }, loading: true })
    overlay?.setPosition(coordinate)
    try {
      const feature = await mapApi.feature(layer, id)
      if (mine === popupSeq && feature?.properties) popup.properties = { ...feature.properties }
    } catch {
      // A feature without a popup of its own keeps the tile's properties.
    } finally {
      if (mine === popupSeq) {
        popup.loading = false
        // The content grew: keep the popup inside the map.
        overlay?.panIntoView({ animation: { duration: 200 }, margin: 20 })
      }
    }
  }

  function onClick(e: MapBrowserEvent) {
    const w = wb.value
    if (!w || w.owner()) return
    const hit = w.pick(e.pixel)
    if (!hit) {
      closePopup()
      return
    }
    if (hit.kind === 'cluster') {
      closePopup()
      w.zoomIn(hit.coordinate)
      return
    }
    void openPopup(hit.layer, hit.id, hit.coordinate, hit.properties)
  }

  async function start(target: HTMLElement, popupElement: HTMLElement) {
    loading.value = true
    failed.value = false
    try {
      const cfg = await mapApi.config()
      config.value = cfg
      const w = markRaw(createWorkbench(target, cfg, locale.value))
      overlay = new Overlay({
        element: popupElement,
        positioning: 'bottom-center',
        offset: [0, -14],
        stopEvent: true,
        autoPan: { animation: { duration: 250 }, margin: 20 },
      })
      w.map.addOverlay(overlay)
      w.map.on('singleclick', onClick)
      // A tool that draws needs every click; an open popup would catch some.
      w.onClaim(() => closePopup())
      wb.value = w
      Object.assign(visible, initialVisibility(orderedLayers(cfg.layers)))
      for (const [name, on] of Object.entries(visible)) w.setLayerVisible(name as MapLayerName, on)
      // For browser tests and for support staff at the console: the OpenLayers map.
      ;(window as TestWindow).__zgMap = w.map
    } catch {
      failed.value = true
    } finally {
      loading.value = false
    }
  }

  function stop() {
    closePopup()
    wb.value?.dispose()
    wb.value = null
    overlay = null
    delete (window as TestWindow).__zgMap
  }

  return { config, wb, loading, failed, visible, popup, layers, layerTitle, showLayer, openPopup, closePopup, start, stop }
}
