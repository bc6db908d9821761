// The search box: places, buildings, grids and cases by name or code; a chosen result is flown to
// and its popup opened.
import { ref, type ShallowRef } from 'vue'
import type { Coordinate } from 'ol/coordinate'
import { mapApi } from '@/api/map'
import type { MapLayerName, SearchHit } from '@/api/types'
import { isLayerName } from './layers'
import { flyTarget, searchQuery } from './search'
import type { MapWorkbench } from './workbench'

export interface SearchSuggestion {
  value: string
  result: SearchHit
}

export function useMapSearch(
  wb: ShallowRef<MapWorkbench | null>,
  showLayer: (name: MapLayerName) => void,
  openPopup: (layer: MapLayerName, id: number, at: Coordinate) => unknown,
) {
  const q = ref('')
  let seq = 0

  /** el-autocomplete's fetch-suggestions; an answer overtaken by later typing is dropped. */
  async function suggest(text: string, cb: (items: SearchSuggestion[]) => void) {
    const query = searchQuery(text)
    const mine = ++seq
    if (!query) {
      cb([])
      return
    }
    try {
      const results = await mapApi.search(query)
      if (mine === seq) cb(results.map((result) => ({ value: result.label, result })))
      else cb([])
    } catch {
      cb([])
    }
  }

  function choose(item: SearchSuggestion | Record<string, unknown>) {
    const w = wb.value
    const r = (item as SearchSuggestion).result
    if (!w || !r) return
    const layer = r.layer
    if (!isLayerName(layer)) return
    showLayer(layer)
    // The popup opens once the map is there, so that panning it into view does not fight the flight.
    w.fly(flyTarget(r), () => void openPopup(layer, r.id, w.fromLonLat([r.lon, r.lat])))
  }

  return { q, suggest, choose }
}
