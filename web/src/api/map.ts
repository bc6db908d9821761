// Endpoints of the map workbench (图上办公): configuration, vector tiles, features and popups,
// spatial query and its export, thematic values, the case heatmap, search, grid drawing (through
// the org-unit API) and the regrid run that follows it. The types are the generated ones (types.ts).
import { http, type Download } from './client'
import type {
  GeoArea,
  Heat,
  MapConfig,
  MapFeatureCollection,
  MapLayerName,
  MapQuery,
  MapQueryResult,
  NewOrgUnit,
  OrgUnit,
  PopupFeature,
  RegridRun,
  SearchHit,
  Thematic,
  ThematicLevel,
} from './types'

/** `[minlon, minlat, maxlon, maxlat]`, WGS-84 degrees: the `bbox` parameter before it is written as text. */
export type Bbox = [number, number, number, number]

const bboxParam = (b: Bbox) => b.map((v) => Number(v.toFixed(7))).join(',')

/** The vector tile URL template of a layer, for OpenLayers' VectorTileSource. */
export const tileUrl = (layer: MapLayerName) => `/api/v1/map/tiles/${layer}/{z}/{x}/{y}.mvt`

export const mapApi = {
  config: () => http.get<MapConfig>('/api/v1/map/config'),
  features: (layer: MapLayerName, bbox: Bbox) =>
    http.get<MapFeatureCollection>('/api/v1/map/features', { layer, bbox: bboxParam(bbox) }),
  /** Silent: a feature without a popup (404) falls back to the tile's own properties. */
  feature: (layer: MapLayerName, id: number | string) =>
    http.get<PopupFeature>(`/api/v1/map/features/${layer}/${id}`, undefined, { silent: true }),
  query: (body: MapQuery) => http.post<MapQueryResult>('/api/v1/map/query', body),
  /** 楼栋清单 of the area, as an XLSX file. */
  queryXlsx: (body: MapQuery): Promise<Download> => http.download('POST', '/api/v1/map/query.xlsx', { body }),
  thematic: (level: ThematicLevel, metric: string, classes = 5) =>
    http.get<Thematic>('/api/v1/map/thematic', { level, metric, classes }),
  heat: (from: string, to: string) => http.get<Heat>('/api/v1/map/heat', { from, to }),
  search: (q: string) => http.get<SearchHit[]>('/api/v1/map/search', { q }),
  regridRun: (id: number) => http.get<RegridRun>(`/api/v1/map/regrid-runs/${id}`),
  /** Silent: a 422 on `geometry` (overlap, outside the community) is shown beside the drawing. */
  // The org-unit schema types `geometry` as an untyped object: the grid's is a GeoArea.
  createGrid: (body: Omit<NewOrgUnit, 'geometry'> & { level: 'grid'; parent_id: number; geometry: GeoArea }) =>
    http.post<OrgUnit>('/api/v1/org-units', body, { silent: true }),
  updateGridGeometry: (id: number, geometry: GeoArea) =>
    http.put<OrgUnit>(`/api/v1/org-units/${id}`, { geometry }, { silent: true }),
}
