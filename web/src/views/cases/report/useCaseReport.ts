// 事件上报: the item cascader's options, the grids drawn on the map, the form's state and the
// body it sends; after the case is created, its routing, possible duplicates and before-photos.
import { computed, reactive, ref, shallowRef } from 'vue'
import { caseApi } from '@/api/cases'
import { orgUnitApi } from '@/api/org'
import type { CaseCategory, CasePhoto, CreatedCase, NewCase, OrgUnit } from '@/api/types'
import { useAuthStore } from '@/stores/auth'

/** A type alias (not an interface) so that it fits Element Plus's indexable CascaderOption. */
export type ItemOption = {
  value: string
  label: string
  children?: ItemOption[]
}

/** Categories → the cascader's category → item options; disabled items and empty categories left out. */
export function itemOptions(categories: readonly CaseCategory[]): ItemOption[] {
  return categories
    .map((c) => ({
      value: c.code,
      label: c.name,
      children: c.items.filter((i) => i.enabled).map((i) => ({ value: i.code, label: i.name })),
    }))
    .filter((c) => c.children.length > 0)
}

export type LocateBy = 'map' | 'building'

export interface ReportForm {
  /** The cascader's value: [category code, item code]. */
  item: string[]
  description: string
  address: string
  source: string
  locate_by: LocateBy
  lon: number | null
  lat: number | null
  building_code: string
}

export const emptyReportForm = (): ReportForm => ({
  item: [],
  description: '',
  address: '',
  source: 'phone',
  locate_by: 'map',
  lon: null,
  lat: null,
  building_code: '',
})

/** A WGS-84 point in range (China lies well inside; the server checks it falls in a grid). */
export function validLonLat(lon: number | null | undefined, lat: number | null | undefined): boolean {
  return (
    typeof lon === 'number' &&
    typeof lat === 'number' &&
    Number.isFinite(lon) &&
    Number.isFinite(lat) &&
    lon >= -180 &&
    lon <= 180 &&
    lat >= -90 &&
    lat <= 90
  )
}

/** Six decimals: about 0.1 m, more than a phone's fix is worth. */
export const roundCoord = (v: number) => Math.round(v * 1e6) / 1e6

/**
 * The body of POST /cases. A grid worker sends no source (the server records `grid_worker`);
 * either the point or the building code locates the case, never both.
 */
export function reportBody(f: ReportForm, isGridWorker: boolean): NewCase {
  const address = f.address.trim()
  const body: NewCase = {
    item_code: f.item[f.item.length - 1] ?? '',
    description: f.description.trim(),
    address: address ? address : null,
    source: isGridWorker ? null : f.source || null,
  }
  if (f.locate_by === 'map') {
    body.location = validLonLat(f.lon, f.lat) ? { lon: roundCoord(f.lon!), lat: roundCoord(f.lat!) } : null
    body.building_code = null
  } else {
    const code = f.building_code.trim()
    body.building_code = code ? code : null
    body.location = null
  }
  return body
}

export function useCaseReport() {
  const auth = useAuthStore()
  const isGridWorker = computed(() => auth.roles.includes('grid_worker'))
  const categories = shallowRef<CaseCategory[]>([])
  const options = computed(() => itemOptions(categories.value))
  const grids = shallowRef<OrgUnit[]>([])
  const form = reactive(emptyReportForm())
  const saving = ref(false)
  const created = shallowRef<CreatedCase | null>(null)
  const photos = ref<CasePhoto[]>([])
  const uploading = ref(false)

  const selectedItem = computed(() => {
    const code = form.item[form.item.length - 1]
    for (const c of categories.value) {
      const i = c.items.find((x) => x.code === code)
      if (i) return i
    }
    return null
  })

  async function load() {
    const [cats, units] = await Promise.allSettled([
      caseApi.categories(),
      // The visible grids' polygons: the map's only background (there is no base map offline).
      auth.can('org:read') ? orgUnitApi.list({ level: 'grid', page_size: 500 }) : Promise.resolve({ items: [], total: 0 }),
    ])
    if (cats.status === 'fulfilled') categories.value = cats.value
    if (units.status === 'fulfilled') grids.value = units.value.items.filter((u) => u.geometry)
  }

  /** Creates the case; an error naming a field is returned for the form to show beside it. */
  async function submit(): Promise<CreatedCase> {
    saving.value = true
    try {
      const c = await caseApi.create(reportBody(form, isGridWorker.value))
      created.value = c
      photos.value = []
      return c
    } finally {
      saving.value = false
    }
  }

  async function upload(files: readonly File[]) {
    const c = created.value
    if (!c || !files.length) return
    uploading.value = true
    try {
      for (const f of files) photos.value = [...photos.value, await caseApi.uploadPhoto(c.id, 'report', f, f.name)]
    } finally {
      uploading.value = false
    }
  }

  function again() {
    Object.assign(form, emptyReportForm())
    created.value = null
    photos.value = []
  }

  return { isGridWorker, options, grids, form, saving, created, photos, uploading, selectedItem, load, submit, upload, again }
}
