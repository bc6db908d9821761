// OpenLayers styles of the map's own layers: division outlines by level, grids (or their thematic
// colour), point symbols and their clusters. Styles are cached: tiles ask for them per feature.
import type { FeatureLike } from 'ol/Feature'
import type { StyleFunction } from 'ol/style/Style'
import { Circle as CircleStyle, Fill, Stroke, Style, Text } from 'ol/style'
import type { MapLayerName } from '@/api/types'
import {
  CASE_OVERDUE_COLOR,
  clusterLabel,
  clusterRadius,
  DIVISION_STROKE,
  GRID_COLOR,
  POINT_COLOR,
  CAMERA_STATUS_COLOR,
} from './layers'
import { fillOf, type ThematicPaint } from './thematic'

const FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'

/** `#rrggbb` with an alpha, as `rgba(…)`. */
export function withAlpha(hex: string, alpha: number): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
  return `rgba(${r}, ${g}, ${b}, ${alpha})`
}

/** What the style functions read besides the feature: the thematic colouring and the language. */
export interface StyleContext {
  thematic: ThematicPaint | null
  locale: string
}

const cache = new Map<string, Style>()
function cached(key: string, make: () => Style): Style {
  let s = cache.get(key)
  if (!s) {
    s = make()
    cache.set(key, s)
  }
  return s
}

const label = (text: string, color: string, size = 12) =>
  new Text({
    text,
    font: `${size}px ${FONT}`,
    fill: new Fill({ color }),
    stroke: new Stroke({ color: '#fff', width: 3 }),
    overflow: true,
  })

/** A nearly invisible fill, so a click inside a polygon finds it. */
const HIT_FILL = 'rgba(255, 255, 255, 0.01)'
const THEMATIC_ALPHA = 0.78

const text = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v))

function divisionStyle(ctx: StyleContext): StyleFunction {
  return (feature: FeatureLike, resolution: number) => {
    const level = text(feature.get('level')) || 'community'
    const line = DIVISION_STROKE[level] ?? DIVISION_STROKE.community!
    const fill = fillOf(ctx.thematic, 'divisions', feature.getId(), level)
    // Community names from zoom 14 on (or whenever they are coloured), subdistricts from zoom 12 to 14.
    const showName =
      (level === 'community' && (resolution < 10 || !!fill)) || (level === 'subdistrict' && resolution >= 10 && resolution < 40)
    const name = showName ? text(feature.get('name')) : ''
    const key = `d|${level}|${fill ?? ''}|${name}`
    return cached(key, () =>
      new Style({
        stroke: new Stroke({ color: line.color, width: line.width, lineDash: line.dash }),
        fill: new Fill({ color: fill ? withAlpha(fill, THEMATIC_ALPHA) : HIT_FILL }),
        text: name ? label(name, '#3d3d3d', level === 'subdistrict' ? 14 : 12) : undefined,
        zIndex: level === 'district' ? 3 : level === 'subdistrict' ? 2 : 1,
      }),
    )
  }
}

function gridStyle(ctx: StyleContext): StyleFunction {
  return (feature: FeatureLike, resolution: number) => {
    const fill = fillOf(ctx.thematic, 'grids', feature.getId())
    // Grid names from zoom 15 on, or whenever they are coloured and the map is close enough to read.
    const name = resolution < 5 || (fill && resolution < 20) ? text(feature.get('name')) : ''
    const key = `g|${fill ?? ''}|${name}`
    return cached(key, () =>
      new Style({
        stroke: new Stroke({ color: GRID_COLOR, width: 1.5 }),
        fill: new Fill({ color: fill ? withAlpha(fill, THEMATIC_ALPHA) : withAlpha(GRID_COLOR, 0.05) }),
        text: name ? label(name, '#194c99') : undefined,
      }),
    )
  }
}

/**
 * Point symbols say declutterMode 'none': OpenLayers 10 (renderer/canvas/VectorTileLayer) hands
 * the hit detection of a layer without decluttering an empty list of decluttered features, and
 * then finds no image or text symbol that is not marked 'none' — points could not be clicked.
 */
const NO_DECLUTTER = 'none' as const

function clusterStyle(color: string, count: number, locale: string): Style {
  const r = clusterRadius(count)
  const txt = clusterLabel(count, locale)
  return cached(`c|${color}|${r}|${txt}`, () =>
    new Style({
      image: new CircleStyle({
        radius: r,
        fill: new Fill({ color: withAlpha(color, 0.78) }),
        stroke: new Stroke({ color: '#fff', width: 2 }),
        declutterMode: NO_DECLUTTER,
      }),
      text: new Text({
        text: txt,
        font: `bold 12px ${FONT}`,
        fill: new Fill({ color: '#fff' }),
        declutterMode: NO_DECLUTTER,
      }),
    }),
  )
}

function pointStyle(layer: Exclude<MapLayerName, 'divisions' | 'grids'>, ctx: StyleContext): StyleFunction {
  return (feature: FeatureLike) => {
    const color = POINT_COLOR[layer]
    if (feature.get('cluster')) return clusterStyle(color, Number(feature.get('count')) || 0, ctx.locale)
    const overdue = layer === 'cases' && feature.get('overdue') === true
    const own =
      layer === 'rental_houses' || layer === 'overdue_inspections'
        ? String(feature.get('color') ?? '') || color
        : layer === 'cameras'
          ? (CAMERA_STATUS_COLOR[String(feature.get('status'))] ?? color)
          : color
    const fill = overdue ? CASE_OVERDUE_COLOR : own
    const radius = overdue ? 7 : layer === 'buildings' ? 5 : 6
    return cached(`p|${fill}|${radius}`, () =>
      new Style({
        image: new CircleStyle({
          radius,
          fill: new Fill({ color: fill }),
          stroke: new Stroke({ color: '#fff', width: 1.5 }),
          declutterMode: NO_DECLUTTER,
        }),
      }),
    )
  }
}

export function layerStyle(layer: MapLayerName, ctx: StyleContext): StyleFunction {
  if (layer === 'divisions') return divisionStyle(ctx)
  if (layer === 'grids') return gridStyle(ctx)
  return pointStyle(layer, ctx)
}

/** The outline of what the user draws or queries. */
export const sketchStyle = new Style({
  stroke: new Stroke({ color: '#e6393f', width: 2, lineDash: [6, 4] }),
  fill: new Fill({ color: 'rgba(230, 57, 63, 0.08)' }),
  image: new CircleStyle({ radius: 5, fill: new Fill({ color: '#e6393f' }) }),
})

/** Grids shown for editing, and the community they belong to. */
export const editGridStyle: StyleFunction = (feature: FeatureLike) => {
  const kind = feature.get('edit_kind')
  if (kind === 'community') {
    return cached('e|community', () =>
      new Style({ stroke: new Stroke({ color: '#e08a00', width: 3, lineDash: [10, 6] }) }),
    )
  }
  // No names here: the grid layer underneath already writes them.
  const selected = kind === 'selected'
  return cached(`e|grid|${selected}`, () =>
    new Style({
      stroke: new Stroke({ color: selected ? '#e6393f' : GRID_COLOR, width: selected ? 3 : 2 }),
      fill: new Fill({ color: selected ? 'rgba(230, 57, 63, 0.12)' : withAlpha(GRID_COLOR, 0.08) }),
    }),
  )
}
