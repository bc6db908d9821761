// The map's own layers without OpenLayers: drawing order, which are on at first, their colours and
// legends, and the size of a cluster's circle. styles.ts turns these into OpenLayers styles.
import type { MapLayerInfo, MapLayerName } from '@/api/types'

/** Bottom to top: polygons under points, cases on top. */
export const LAYER_ORDER: readonly MapLayerName[] = [
  'divisions',
  'grids',
  'buildings',
  'key_places',
  'key_enterprises',
  'rental_houses',
  'overdue_inspections',
  'cameras',
  'cases',
]

/** Grids, divisions and buildings are on when the page opens. */
export const DEFAULT_ON: ReadonlySet<MapLayerName> = new Set(['divisions', 'grids', 'buildings'])

/** A layer of the server's that the page knows how to draw. */
export type MapLayerDef = MapLayerInfo & { name: MapLayerName }

export const isLayerName = (name: string): name is MapLayerName => (LAYER_ORDER as readonly string[]).includes(name)

/** The server's layers in drawing order; names the page does not know are left out. */
export function orderedLayers(layers: readonly MapLayerInfo[]): MapLayerDef[] {
  const known = layers.filter((l): l is MapLayerDef => isLayerName(l.name))
  return known.sort((a, b) => LAYER_ORDER.indexOf(a.name) - LAYER_ORDER.indexOf(b.name))
}

export function initialVisibility(layers: readonly MapLayerDef[]): Record<string, boolean> {
  return Object.fromEntries(layers.map((l) => [l.name, DEFAULT_ON.has(l.name)]))
}

/** Outline colours of the division levels: the wider the unit, the darker and thicker its line. */
export const DIVISION_STROKE: Record<string, { color: string; width: number; dash?: number[] }> = {
  district: { color: '#3d3d3d', width: 3 },
  subdistrict: { color: '#595959', width: 2, dash: [8, 4] },
  community: { color: '#8c8c8c', width: 1.2, dash: [4, 4] },
}

export const GRID_COLOR = '#1f5fbf'

export const POINT_COLOR: Record<Exclude<MapLayerName, 'divisions' | 'grids'>, string> = {
  buildings: '#2f8f5b',
  key_places: '#e08a00',
  key_enterprises: '#7b3fbf',
  cases: '#e6393f',
  rental_houses: '#9e9e9e',
  overdue_inspections: '#b71c1c',
  cameras: '#1e88e5',
}

/** The class plate colours (the server sends each point's own `color`); grey for unclassified. */
export const RENTAL_CLASS_COLOR: Record<string, string> = {
  green: '#2e7d32',
  yellow: '#f9a825',
  orange: '#ef6c00',
  red: '#c62828',
  unclassified: '#9e9e9e',
}

/** Cameras by status. */
export const CAMERA_STATUS_COLOR: Record<string, string> = {
  online: '#1e88e5',
  offline: '#757575',
  fault: '#d32f2f',
}
/** Overdue cases are drawn darker and larger. */
export const CASE_OVERDUE_COLOR = '#8b0000'

export type LegendShape = 'line' | 'dashed' | 'fill' | 'circle' | 'cluster'

export interface LayerLegendItem {
  shape: LegendShape
  color: string
  /** i18n key */
  label: string
}

/** What each layer's symbols mean, for the layer switcher. */
export const LAYER_LEGENDS: Record<MapLayerName, LayerLegendItem[]> = {
  divisions: [
    { shape: 'line', color: DIVISION_STROKE.district!.color, label: 'level.district' },
    { shape: 'dashed', color: DIVISION_STROKE.subdistrict!.color, label: 'level.subdistrict' },
    { shape: 'dashed', color: DIVISION_STROKE.community!.color, label: 'level.community' },
  ],
  grids: [{ shape: 'fill', color: GRID_COLOR, label: 'map.legend.grid' }],
  buildings: [
    { shape: 'circle', color: POINT_COLOR.buildings, label: 'map.legend.building' },
    { shape: 'cluster', color: POINT_COLOR.buildings, label: 'map.legend.cluster' },
  ],
  key_places: [{ shape: 'circle', color: POINT_COLOR.key_places, label: 'map.legend.keyPlace' }],
  key_enterprises: [{ shape: 'circle', color: POINT_COLOR.key_enterprises, label: 'map.legend.keyEnterprise' }],
  rental_houses: (['green', 'yellow', 'orange', 'red', 'unclassified'] as const).map((c) => ({
    shape: 'circle' as const,
    color: RENTAL_CLASS_COLOR[c]!,
    label: `map.legend.rental_${c}`,
  })),
  overdue_inspections: [{ shape: 'circle', color: POINT_COLOR.overdue_inspections, label: 'map.legend.overdueInspection' }],
  cameras: (['online', 'offline', 'fault'] as const).map((c) => ({
    shape: 'circle' as const,
    color: CAMERA_STATUS_COLOR[c]!,
    label: `map.legend.camera_${c}`,
  })),
  cases: [
    { shape: 'circle', color: POINT_COLOR.cases, label: 'map.legend.openCase' },
    { shape: 'circle', color: CASE_OVERDUE_COLOR, label: 'map.legend.overdueCase' },
    { shape: 'cluster', color: POINT_COLOR.cases, label: 'map.legend.cluster' },
  ],
}

/** The radius in pixels of a cluster of `count` points: grows with the logarithm, 12 to 30. */
export function clusterRadius(count: number): number {
  const n = Math.max(1, Math.floor(count))
  return Math.min(30, Math.round(12 + 5 * Math.log10(n)))
}

/** A cluster's label: the number, shortened from ten thousand (1.2万, in English 12k). */
export function clusterLabel(count: number, locale = 'zh-CN'): string {
  const n = Math.max(0, Math.floor(count))
  if (n < 10000) return String(n)
  return locale === 'zh-CN' ? `${Number((n / 10000).toFixed(1))}万` : `${Math.round(n / 1000)}k`
}

/** Layers whose features open a popup, and that take precedence when symbols overlap. */
export const CLICK_PRIORITY: readonly MapLayerName[] = [
  'cases',
  'key_enterprises',
  'key_places',
  'buildings',
  'grids',
  'divisions',
]
