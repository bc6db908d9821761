// The OpenLayers side of 图上办公: the map with an optional base map, our vector tile layers, the
// heatmap and the layers that tools draw on; and the few operations the panels need (visibility,
// thematic colours, picking a feature, flying to a place, reading what was drawn). The panels'
// composables add their own interactions and claim the map while they use clicks.
import OlMap from 'ol/Map'
import View from 'ol/View'
import Feature from 'ol/Feature'
import type { FeatureLike } from 'ol/Feature'
import Point from 'ol/geom/Point'
import type { Geometry } from 'ol/geom'
import TileLayer from 'ol/layer/Tile'
import VectorLayer from 'ol/layer/Vector'
import VectorTileLayer from 'ol/layer/VectorTile'
import HeatmapLayer from 'ol/layer/Heatmap'
import XYZ from 'ol/source/XYZ'
import VectorSource from 'ol/source/Vector'
import VectorTileSource from 'ol/source/VectorTile'
import MVT from 'ol/format/MVT'
import GeoJSON from 'ol/format/GeoJSON'
import ScaleLine from 'ol/control/ScaleLine'
import { defaults as defaultControls } from 'ol/control/defaults'
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj'
import { getCenter, type Extent } from 'ol/extent'
import type { Coordinate } from 'ol/coordinate'
import type { Pixel } from 'ol/pixel'
import { tileUrl, type Bbox } from '@/api/map'
import type { GeoArea, MapConfig, MapLayerName } from '@/api/types'
import { CLICK_PRIORITY, orderedLayers } from './layers'
import { layerStyle, sketchStyle, editGridStyle, type StyleContext } from './styles'
import type { ThematicPaint } from './thematic'
import type { HeatPoint } from './heat'
import type { FlyTarget } from './search'
import type { PickedFeature } from './popup'
import { gcj02Projection } from './gcjProjection'

/** Tiles above this zoom are drawn from the zoom-18 tiles: the server is not asked for more detail. */
const TILE_MAX_ZOOM = 18
const VIEW_MAX_ZOOM = 20

export type Pick =
  | ({ kind: 'feature' } & PickedFeature)
  | { kind: 'cluster'; layer: MapLayerName; coordinate: Coordinate; count: number }

const DIVISION_RANK: Record<string, number> = { community: 3, subdistrict: 2, district: 1 }

export interface MapWorkbench {
  map: OlMap
  /** Drawings of the spatial query. */
  querySource: VectorSource<Feature<Geometry>>
  /** Grids being edited and their community's outline. */
  editSource: VectorSource<Feature<Geometry>>
  setLayerVisible(name: MapLayerName, on: boolean): void
  setThematic(paint: ThematicPaint | null): void
  setLocale(locale: string): void
  setHeat(points: readonly HeatPoint[] | null): void
  /** Reloads a layer's tiles (after a grid was saved). */
  refresh(name: MapLayerName): void
  /** The feature at a pixel: points before polygons, the finest division level first; `only` these layers. */
  pick(pixel: Pixel, only?: readonly MapLayerName[]): Pick | null
  /** Flies to a place; `done` when the map has arrived. */
  fly(target: FlyTarget, done?: () => void): void
  zoomIn(coordinate: Coordinate, by?: number): void
  toLonLat(c: Coordinate): [number, number]
  fromLonLat(lonLat: readonly [number, number]): Coordinate
  /** The visible area as a WGS-84 box. */
  viewBbox(): Bbox
  extentBbox(extent: Extent): Bbox
  /** A drawn polygon as WGS-84 GeoJSON. */
  writeArea(geometry: Geometry): GeoArea
  /** WGS-84 GeoJSON as a geometry in view coordinates. */
  readGeometry(geometry: unknown): Geometry | null
  /** A tool takes the map's clicks; the tool that had them is told to let go. */
  claim(owner: string, release: () => void): void
  /** Called whenever a tool takes the clicks (the page closes its popup, which would catch them). */
  onClaim(listener: (owner: string) => void): void
  release(owner: string): void
  /** The tool that holds the clicks, if any (popups wait meanwhile). */
  owner(): string | null
  dispose(): void
}

export function createWorkbench(target: HTMLElement, config: MapConfig, locale: string): MapWorkbench {
  const ctx: StyleContext = { thematic: null, locale }
  const viewProjection = 'EPSG:3857'
  const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: viewProjection })

  const base = config.base_map
    ? new TileLayer({
        source: new XYZ({
          url: config.base_map.url,
          attributions: config.base_map.attribution || undefined,
          // GCJ-02 tiles are warped onto our WGS-84 data (see gcjProjection.ts).
          projection: config.base_map.crs === 'gcj02' ? gcj02Projection() : 'EPSG:3857',
          maxZoom: 18,
        }),
        zIndex: 0,
      })
    : null

  const tileLayers = new Map<MapLayerName, VectorTileLayer>()
  orderedLayers(config.layers).forEach((def, i) => {
    const polygon = def.kind === 'polygon'
    const layer = new VectorTileLayer({
      source: new VectorTileSource({
        format: new MVT({ idProperty: 'id', layers: [def.name] }),
        url: tileUrl(def.name),
        maxZoom: TILE_MAX_ZOOM,
      }),
      style: layerStyle(def.name, ctx),
      // Polygon names may hide one another; point symbols never hide.
      declutter: polygon,
      renderBuffer: polygon ? 100 : 40,
      zIndex: (polygon ? 10 : 20) + i,
      visible: false,
      properties: { zgLayer: def.name },
    })
    tileLayers.set(def.name, layer)
  })

  const heatSource = new VectorSource<Feature<Geometry>>()
  const heat = new HeatmapLayer({ source: heatSource, blur: 18, radius: 10, weight: 'weight', visible: false, zIndex: 15 })
  const querySource = new VectorSource<Feature<Geometry>>()
  const editSource = new VectorSource<Feature<Geometry>>()
  const queryLayer = new VectorLayer({ source: querySource, style: sketchStyle, zIndex: 40 })
  const editLayer = new VectorLayer({ source: editSource, style: editGridStyle, zIndex: 41 })

  const c = config.center
  const view = new View({
    center: fromLonLat(c),
    zoom: config.zoom,
    maxZoom: VIEW_MAX_ZOOM,
    extent: config.extent ? transformExtent(config.extent, 'EPSG:4326', viewProjection) : undefined,
    constrainOnlyCenter: true,
  })

  const map = new OlMap({
    target,
    layers: [...(base ? [base] : []), ...tileLayers.values(), heat, queryLayer, editLayer],
    view,
    controls: defaultControls({ attributionOptions: { collapsible: true } }).extend([new ScaleLine()]),
  })

  let holder: { owner: string; release: () => void } | null = null
  const claimListeners: ((owner: string) => void)[] = []

  function extentBbox(extent: Extent): Bbox {
    const [a, b, cc, d] = transformExtent(extent, viewProjection, 'EPSG:4326')
    return [a!, b!, cc!, d!]
  }

  function pick(pixel: Pixel, only?: readonly MapLayerName[]): Pick | null {
    const hits: { layer: MapLayerName; feature: FeatureLike }[] = []
    map.forEachFeatureAtPixel(
      pixel,
      (feature, layer) => {
        const name = layer?.get('zgLayer') as MapLayerName | undefined
        if (name && (!only || only.includes(name))) hits.push({ layer: name, feature })
      },
      { hitTolerance: 4, layerFilter: (l) => !!l.get('zgLayer') && l.getVisible() },
    )
    if (!hits.length) return null
    const rank = (h: (typeof hits)[number]) =>
      CLICK_PRIORITY.indexOf(h.layer) * 10 - (DIVISION_RANK[String(h.feature.get('level'))] ?? 0)
    hits.sort((a, b) => rank(a) - rank(b))
    const { layer, feature } = hits[0]!
    const geometry = feature.getGeometry()
    const isPoint = geometry?.getType() === 'Point'
    const coordinate = isPoint && geometry ? getCenter(geometry.getExtent()) : map.getCoordinateFromPixel(pixel)
    if (feature.get('cluster')) {
      return { kind: 'cluster', layer, coordinate, count: Number(feature.get('count')) || 0 }
    }
    const id = feature.getId()
    if (id === undefined) return null
    const { geometry: _g, ...properties } = feature.getProperties()
    return { kind: 'feature', layer, id, coordinate, properties }
  }

  return {
    map,
    querySource,
    editSource,
    setLayerVisible(name, on) {
      tileLayers.get(name)?.setVisible(on)
    },
    setThematic(paint) {
      const before = ctx.thematic?.layer
      ctx.thematic = paint
      for (const name of new Set([before, paint?.layer])) if (name) tileLayers.get(name)?.changed()
    },
    setLocale(next) {
      if (ctx.locale === next) return
      ctx.locale = next
      tileLayers.forEach((l) => l.changed())
    },
    setHeat(points) {
      heatSource.clear()
      if (!points) {
        heat.setVisible(false)
        return
      }
      heatSource.addFeatures(
        points.map((p) => new Feature({ geometry: new Point(fromLonLat([p.lon, p.lat])), weight: p.weight })),
      )
      heat.setVisible(true)
    },
    refresh(name) {
      tileLayers.get(name)?.getSource()?.refresh()
    },
    pick,
    fly(target, done) {
      const callback = () => done?.()
      if (target.kind === 'extent') {
        view.fit(transformExtent(target.bbox, 'EPSG:4326', viewProjection), {
          maxZoom: target.maxZoom,
          padding: [60, 60, 60, 60],
          duration: 500,
          callback,
        })
      } else {
        view.animate({ center: fromLonLat(target.center), zoom: target.zoom, duration: 500 }, callback)
      }
    },
    zoomIn(coordinate, by = 2) {
      const zoom = Math.min(VIEW_MAX_ZOOM, (view.getZoom() ?? 10) + by)
      view.animate({ center: coordinate, zoom, duration: 300 })
    },
    toLonLat(coordinate) {
      const [lon, lat] = toLonLat(coordinate, viewProjection)
      return [lon!, lat!]
    },
    fromLonLat(lonLat) {
      return fromLonLat([lonLat[0], lonLat[1]], viewProjection)
    },
    viewBbox: () => extentBbox(view.calculateExtent(map.getSize())),
    extentBbox,
    writeArea(geometry) {
      return geojson.writeGeometryObject(geometry) as GeoArea
    },
    readGeometry(geometry) {
      try {
        return geojson.readGeometry(geometry) ?? null
      } catch {
        return null
      }
    },
    claim(owner, release) {
      if (holder && holder.owner !== owner) holder.release()
      holder = { owner, release }
      claimListeners.forEach((l) => l(owner))
    },
    onClaim(listener) {
      claimListeners.push(listener)
    },
    release(owner) {
      if (holder?.owner === owner) holder = null
    },
    owner: () => holder?.owner ?? null,
    dispose() {
      holder?.release()
      holder = null
      map.setTarget(undefined)
      // The heatmap holds a WebGL context; browsers allow only a few at a time.
      map.getLayers().forEach((l) => l.dispose())
      map.dispose()
    },
  }
}
