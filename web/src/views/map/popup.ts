// The popup of a clicked feature: the server's display fields as labelled rows in a fixed order,
// and the link to the record's own page.
import type { MapLayerName } from '@/api/types'

/** Fields in the order the popup lists them; each has the label `map.prop.<key>`. Others follow. */
export const PROP_ORDER = [
  'code',
  'name',
  'item_name',
  'level',
  'state_label',
  'state',
  'overdue',
  'deadline_at',
  'reported_at',
  'address',
  'building_name',
  'room',
  'class_label',
  'next_due_on',
  'last_inspected_on',
  'occupants',
  'kind',
  'status_label',
  'installed_on',
  'note',
  'grid_name',
  'community_name',
  'floors',
  'use_type',
  'parent_name',
  'unit_name',
  'residents',
  'migrants',
  'buildings',
  'houses',
  'rental_houses',
  'place_type',
  'industry',
  'hazard_class',
  'person_in_charge',
  'owner',
  'staff_count',
  'phone',
  'workers',
  'grid_workers',
] as const

/** Never shown as rows: the link is the 查看详情 button, the rest is for the map itself. */
const HIDDEN = new Set(['id', 'link', 'class', 'color', 'status', 'building_id', 'cluster', 'count', 'geometry', 'lon', 'lat', 'parent_id', 'layer'])

/** Code fields and the server code table (GET /api/v1/dicts) that names them. */
export const DICT_OF: Record<string, string> = {
  use_type: 'use_types',
  place_type: 'place_types',
  industry: 'industries',
}

export interface PopupFormat {
  /** The label of a known field; unknown fields show their own name. */
  label(key: string): string
  yes: string
  no: string
  time(value: string): string
  level(value: string): string
  /** The name of a code in a server code table (the code itself when unknown). */
  code(table: string, value: string): string
}

export interface PopupRow {
  key: string
  label: string
  value: string
}

const isTimeKey = (k: string) => k.endsWith('_at')

function show(key: string, v: unknown, f: PopupFormat): string | null {
  if (v === null || v === undefined || v === '') return null
  if (typeof v === 'boolean') return v ? f.yes : f.no
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null
  if (Array.isArray(v)) {
    const parts = v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String)
    return parts.length ? parts.join('、') : null
  }
  if (typeof v !== 'string') return null
  if (isTimeKey(key)) return f.time(v)
  if (key === 'level') return f.level(v)
  const table = DICT_OF[key]
  return table ? f.code(table, v) : v
}

/** The rows of a popup: known fields in PROP_ORDER, then the rest as sent; empty values left out. */
export function popupRows(props: Record<string, unknown>, f: PopupFormat): PopupRow[] {
  const keys = Object.keys(props).filter((k) => !HIDDEN.has(k))
  // The state's label stands for the state's code.
  const shown = keys.filter((k) => !(k === 'state' && keys.includes('state_label')))
  const rank = (k: string) => {
    const i = (PROP_ORDER as readonly string[]).indexOf(k)
    return i < 0 ? PROP_ORDER.length : i
  }
  const ordered = shown
    .map((k, i) => ({ k, i }))
    .sort((a, b) => rank(a.k) - rank(b.k) || a.i - b.i)
    .map((x) => x.k)
  const rows: PopupRow[] = []
  for (const key of ordered) {
    const value = show(key, props[key], f)
    if (value !== null) rows.push({ key, label: f.label(key), value })
  }
  return rows
}

/** Only the app's own route paths become links: `/cases/34`, never `//host` or `javascript:`. */
export function routeLink(link: unknown): string | null {
  if (typeof link !== 'string') return null
  const s = link.trim()
  if (!s.startsWith('/') || s.startsWith('//') || s.includes('\\')) return null
  return s
}

/** The popup's title: a name or code from the properties, else the layer's title. */
export function popupTitle(props: Record<string, unknown>, layerTitle: string): string {
  for (const k of ['name', 'code', 'label']) {
    const v = props[k]
    if (typeof v === 'string' && v.trim()) return v
  }
  return layerTitle
}

/** A feature the user clicked: its layer and id, where the popup points, and the tile's properties. */
export interface PickedFeature {
  layer: MapLayerName
  id: number | string
  /** Where the popup points, in view coordinates. */
  coordinate: number[]
  /** The tile's own properties, shown while (or if) the full record does not come. */
  properties: Record<string, unknown>
}
