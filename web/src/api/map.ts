// Endpoints of the map workbench (图上办公): configuration, vector tiles, features and popups,
// spatial query and its export, thematic values, the case heatmap, search, grid drawing (through
// the org-unit API) and the regrid run that follows it.
//
// The types are written by hand because the server's map API is not in openapi.json yet. Once it
// is, `npm run gen:api` generates them: alias them in types.ts and delete the interfaces here.
import { http, type Download } from './client'
import type { OrgUnit } from './types'

/** `[lon, lat]`, WGS-84 degrees. */
export type LonLat = [number, number]
/** `[minlon, minlat, maxlon, maxlat]`, WGS-84 degrees. */
export type Bbox = [number, number, number, number]

/** The map's own layers, as the tile and feature endpoints name them. */
export type MapLayerName = 'divisions' | 'grids' | 'buildings' | 'key_places' | 'key_enterprises' | 'cases'

export interface MapLayerDef {
  name: MapLayerName
  /** The server's Chinese title; the UI shows `map.layer.<name>` when it has one. */
  title: string
  kind: 'polygon' | 'point'
}

export interface ThematicMetric {
  /** `residents`, `migrant_share`, `rental_per_100`, `open_cases`, `overdue_cases`, … */
  code: string
  title: string
  unit: string
}

/** A raster tile service under our layers; none when the system runs offline. */
export interface BaseMap {
  kind: 'xyz'
  /** `https://…/{z}/{x}/{y}.png` */
  url: string
  /** GCJ-02 for Gaode/Tencent style tiles: the map then reconciles them with our WGS-84 data. */
  crs: 'wgs84' | 'gcj02'
  attribution: string
}

export interface MapConfig {
  center: LonLat
  zoom: number
  extent: Bbox | null
  base_map: BaseMap | null
  layers: MapLayerDef[]
  thematic_metrics: ThematicMetric[]
}

// ---------- GeoJSON (WGS-84) ----------

export interface GeoPolygon {
  type: 'Polygon'
  coordinates: number[][][]
}
export interface GeoMultiPolygon {
  type: 'MultiPolygon'
  coordinates: number[][][][]
}
export interface GeoPoint {
  type: 'Point'
  coordinates: number[]
}
export type GeoArea = GeoPolygon | GeoMultiPolygon
export type GeoGeometry = GeoPoint | GeoArea | { type: string; coordinates?: unknown }

export interface GeoFeature<P = Record<string, unknown>> {
  type: 'Feature'
  id?: number | string
  geometry: GeoGeometry | null
  properties: P
}

export interface GeoFeatureCollection<P = Record<string, unknown>> {
  type: 'FeatureCollection'
  features: GeoFeature<P>[]
  /** The server capped the features; zoom in for all of them. */
  truncated?: boolean
}

/**
 * A feature's display fields (personal data already masked by the server), e.g. a building's
 * `code,name,address,floors,use_type,grid_name,residents,houses,rental_houses`; `link` is the web
 * route of the record.
 */
export type PopupProperties = Record<string, unknown> & { link?: string | null }

// ---------- spatial query ----------

export interface CircleArea {
  lon: number
  lat: number
  radius_m: number
}

export type MapQueryBody = { geometry: GeoArea } | { circle: CircleArea }

export interface QueryCounts {
  residents: number
  migrants: number
  special_groups: number
  buildings: number
  houses: number
  rental_houses: number
  key_places: number
  open_cases: number
}

export interface QueryBuilding {
  id: number
  code: string
  name: string
  address: string | null
  lon: number
  lat: number
  residents: number
  houses: number
  rental_houses: number
}

export interface QueryKeyPlace {
  id: number
  name: string
  place_type: string
  lon: number
  lat: number
}

export interface QueryCase {
  id: number
  code: string
  state: string
  lon: number
  lat: number
}

export interface MapQueryResult {
  counts: QueryCounts
  /** Registration type code → residents. */
  residents_by_type: Record<string, number>
  /** Special group kind code → people. */
  special_groups_by_kind: Record<string, number>
  /** Capped by the server; `buildings_total` is the whole count. */
  buildings: QueryBuilding[]
  buildings_total: number
  key_places: QueryKeyPlace[]
  open_cases: QueryCase[]
}

// ---------- thematic map, heatmap, search ----------

export type ThematicLevel = 'grid' | 'community'

export interface ThematicValue {
  /** The id of the grid or division feature in the tiles. */
  id: number
  code: string
  name: string
  value: number | null
}

export interface Thematic {
  level: ThematicLevel
  metric: string
  title: string
  unit: string
  values: ThematicValue[]
  /** Class breaks b0 … bn: n classes, lowest first. */
  breaks: number[]
}

export interface Heat {
  /** `[lon, lat, weight]` */
  points: [number, number, number][]
  max: number
  total: number
}

export interface SearchResult {
  layer: MapLayerName
  id: number
  label: string
  lon: number
  lat: number
  bbox: Bbox | null
}

// ---------- grid drawing ----------

export interface NewGrid {
  level: 'grid'
  parent_id: number
  code: string
  name: string
  geometry: GeoArea
}

/** The saved grid; when its polygon changed, the buildings are re-assigned by a regrid run. */
export type SavedGrid = OrgUnit & { regrid_run_id?: number | null }

export type RegridStatus = 'running' | 'done' | 'failed'

export interface RegridMove {
  building_id: number
  building_code: string
  building_name: string
  from_grid: string | null
  to_grid: string | null
}

export interface RegridRun {
  id: number
  status: RegridStatus
  /** Buildings looked at. */
  checked: number
  /** Buildings that changed grid. */
  moved: number
  /** Buildings of the community that no grid covers. */
  outside: number
  moves: RegridMove[]
  error: string | null
  started_at: string
  finished_at: string | null
}

// ---------- endpoints ----------

const bboxParam = (b: Bbox) => b.map((v) => Number(v.toFixed(7))).join(',')

/** The vector tile URL template of a layer, for OpenLayers' VectorTileSource. */
export const tileUrl = (layer: MapLayerName) => `/api/v1/map/tiles/${layer}/{z}/{x}/{y}.mvt`

export const mapApi = {
  config: () => http.get<MapConfig>('/api/v1/map/config'),
  features: (layer: MapLayerName, bbox: Bbox) =>
    http.get<GeoFeatureCollection>('/api/v1/map/features', { layer, bbox: bboxParam(bbox) }),
  /** Silent: a feature without a popup (404) falls back to the tile's own properties. */
  feature: (layer: MapLayerName, id: number | string) =>
    http.get<GeoFeature<PopupProperties>>(`/api/v1/map/features/${layer}/${id}`, undefined, { silent: true }),
  query: (body: MapQueryBody) => http.post<MapQueryResult>('/api/v1/map/query', body),
  /** 楼栋清单 of the area, as an XLSX file. */
  queryXlsx: (body: MapQueryBody): Promise<Download> =>
    http.download('POST', '/api/v1/map/query.xlsx', { body }),
  thematic: (level: ThematicLevel, metric: string, classes = 5) =>
    http.get<Thematic>('/api/v1/map/thematic', { level, metric, classes }),
  heat: (from: string, to: string) => http.get<Heat>('/api/v1/map/heat', { from, to }),
  search: (q: string) => http.get<SearchResult[]>('/api/v1/map/search', { q }),
  regridRun: (id: number) => http.get<RegridRun>(`/api/v1/map/regrid-runs/${id}`),
  /** Silent: a 422 on `geometry` (overlap, outside the community) is shown beside the drawing. */
  createGrid: (body: NewGrid) => http.post<SavedGrid>('/api/v1/org-units', body, { silent: true }),
  updateGridGeometry: (id: number, geometry: GeoArea) =>
    http.put<SavedGrid>(`/api/v1/org-units/${id}`, { geometry }, { silent: true }),
}
