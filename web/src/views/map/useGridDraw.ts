// 网格绘制 (org:write): choose a community, draw a new grid or reshape one of its grids, snapping to
// the neighbours, and save through the org-unit API. The server refuses overlaps and polygons
// that leave the community (422 on `geometry`): the message is shown and the drawing kept. A saved
// polygon starts a regrid run that moves buildings between grids; the page follows it.
import { onBeforeUnmount, reactive, ref, shallowRef, type ShallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import Feature from 'ol/Feature'
import Collection from 'ol/Collection'
import Draw from 'ol/interaction/Draw'
import Modify from 'ol/interaction/Modify'
import Snap from 'ol/interaction/Snap'
import type { Geometry } from 'ol/geom'
import type { EventsKey } from 'ol/events'
import { unByKey } from 'ol/Observable'
import { isApiError } from '@/api/client'
import { errorText } from '@/api/setup'
import { orgUnitApi } from '@/api/org'
import { mapApi } from '@/api/map'
import type { GeoArea, MapFeatureProperties, MapLayerName, OrgUnit, RegridRun, UnitProperties } from '@/api/types'
import { useFieldErrors } from '@/composables/useFieldErrors'
import { useOrgStore } from '@/stores/org'
import { nextGridCode, pollRegridRun } from './gridDraw'
import { roundArea } from './query'
import type { MapWorkbench } from './workbench'

const OWNER = 'grid-draw'

const isUnit = (p: MapFeatureProperties): p is UnitProperties => 'level' in p && 'parent_id' in p

export type GridDrawMode = 'idle' | 'picking' | 'drawing' | 'drawn' | 'modifying'

export interface EditableGrid {
  id: number
  code: string
  name: string
  parentId: number | null
}

export function useGridDraw(wb: ShallowRef<MapWorkbench | null>, showLayer: (name: MapLayerName) => void) {
  const { t } = useI18n()
  const org = useOrgStore()
  const communityId = ref<number | null>(null)
  const community = shallowRef<OrgUnit | null>(null)
  /** The community's own grids (the neighbours are loaded too, for snapping). */
  const grids = shallowRef<EditableGrid[]>([])
  const mode = ref<GridDrawMode>('idle')
  const editingId = ref<number | null>(null)
  const form = reactive({ code: '', name: '' })
  const fieldErrors = useFieldErrors()
  const geometryError = ref('')
  const loadingGrids = ref(false)
  const saving = ref(false)
  const run = shallowRef<RegridRun | null>(null)
  const following = ref(false)
  let disposed = false

  let draw: Draw | null = null
  let modify: Modify | null = null
  let snap: Snap | null = null
  let pickKey: EventsKey | null = null
  /** The new polygon, or the grid being reshaped. */
  let sketch: Feature<Geometry> | null = null
  /** The reshaped grid's polygon before the changes, for 取消. */
  let original: Geometry | null = null

  function removeInteractions() {
    const map = wb.value?.map
    for (const i of [draw, modify, snap]) if (i && map) map.removeInteraction(i)
    draw = modify = snap = null
    if (pickKey) unByKey(pickKey)
    pickKey = null
  }

  /** Ends whatever is under way; a new polygon is thrown away, a reshaped one put back. */
  function cancel() {
    removeInteractions()
    const source = wb.value?.editSource
    if (sketch && source) {
      if (mode.value === 'modifying') {
        if (original) sketch.setGeometry(original)
        sketch.set('edit_kind', 'grid')
      } else if (source.hasFeature(sketch)) {
        source.removeFeature(sketch)
      }
    }
    sketch = null
    original = null
    editingId.value = null
    geometryError.value = ''
    fieldErrors.clear()
    mode.value = 'idle'
    wb.value?.release(OWNER)
  }

  function claim() {
    wb.value?.claim(OWNER, cancel)
  }

  function addSnap() {
    const w = wb.value
    if (!w) return
    if (snap) w.map.removeInteraction(snap)
    // Snap goes last, so that it sees the pointer before Draw and Modify do.
    snap = new Snap({ source: w.editSource })
    w.map.addInteraction(snap)
  }

  function clearGrids() {
    const source = wb.value?.editSource
    if (!source) return
    for (const f of source.getFeatures()) if (f.get('edit_kind') !== 'community') source.removeFeature(f)
  }

  /** The grids around the community from the features endpoint: the community's to edit, all to snap to. */
  async function loadGrids() {
    const w = wb.value
    const c = community.value
    if (!w || !c) return
    const outline = w.editSource.getFeatures().find((f) => f.get('edit_kind') === 'community')
    const extent = outline?.getGeometry()?.getExtent()
    const bbox = extent ? w.extentBbox(extent) : w.viewBbox()
    // A little around the community, so the neighbours' edges are there to snap to.
    const pad = 0.002
    loadingGrids.value = true
    try {
      const fc = await mapApi.features('grids', [bbox[0] - pad, bbox[1] - pad, bbox[2] + pad, bbox[3] + pad])
      clearGrids()
      const mine: EditableGrid[] = []
      for (const f of fc.features) {
        const geometry = w.readGeometry(f.geometry)
        const p = f.properties
        // The grids layer answers unit properties.
        if (!geometry || !isUnit(p)) continue
        const feature = new Feature({ geometry, edit_kind: 'grid', name: p.name, code: p.code })
        feature.setId(f.id)
        w.editSource.addFeature(feature)
        if (p.parent_id === c.id) mine.push({ id: f.id, code: p.code, name: p.name, parentId: p.parent_id })
      }
      grids.value = mine.sort((a, b) => a.code.localeCompare(b.code))
    } catch {
      // shown by the client
    } finally {
      loadingGrids.value = false
    }
  }

  async function chooseCommunity(id: number | null) {
    cancel()
    run.value = null
    communityId.value = id
    community.value = null
    grids.value = []
    const w = wb.value
    w?.editSource.clear()
    if (id == null || !w) return
    try {
      const unit = await orgUnitApi.get(id)
      if (communityId.value !== id) return
      community.value = unit
      const geometry = w.readGeometry(unit.geometry)
      if (geometry) {
        w.editSource.addFeature(new Feature({ geometry, edit_kind: 'community', name: unit.name }))
        w.map.getView().fit(geometry.getExtent(), { padding: [40, 40, 40, 40], maxZoom: 18, duration: 400 })
      }
      await loadGrids()
    } catch {
      // shown by the client
    }
  }

  /** The next click on a community polygon chooses it. */
  function pickOnMap() {
    const w = wb.value
    if (!w) return
    cancel()
    claim()
    showLayer('divisions')
    mode.value = 'picking'
    pickKey = w.map.on('singleclick', (e) => {
      const hit = w.pick(e.pixel, ['divisions', 'grids'])
      let id: number | null = null
      if (hit?.kind === 'feature' && hit.layer === 'divisions' && hit.properties.level === 'community') id = Number(hit.id)
      // A click inside a grid means the grid's community.
      else if (hit?.kind === 'feature' && hit.layer === 'grids' && hit.properties.parent_id != null)
        id = Number(hit.properties.parent_id)
      if (id == null || !Number.isFinite(id)) return
      cancel()
      void chooseCommunity(id)
    })
  }

  function startDraw() {
    const w = wb.value
    const c = community.value
    if (!w || !c) return
    cancel()
    claim()
    run.value = null
    const d = new Draw({ source: w.editSource, type: 'Polygon' })
    d.on('drawend', (e) => {
      sketch = e.feature
      sketch.set('edit_kind', 'selected')
      // The new polygon stays editable until it is saved.
      setTimeout(() => {
        if (draw === d) {
          w.map.removeInteraction(d)
          draw = null
          startModify()
        }
      }, 0)
      const code = nextGridCode(c.code, grids.value.map((g) => g.code))
      form.code = code
      form.name = code ? t('map.draw.defaultName', { community: c.name, seq: code.slice(12) }) : ''
      mode.value = 'drawn'
    })
    draw = d
    w.map.addInteraction(d)
    addSnap()
    mode.value = 'drawing'
  }

  function startModify() {
    const w = wb.value
    if (!w || !sketch) return
    if (modify) w.map.removeInteraction(modify)
    modify = new Modify({ features: new Collection([sketch]) })
    modify.on('modifyend', () => (geometryError.value = ''))
    w.map.addInteraction(modify)
    addSnap()
  }

  function editGrid(id: number | null) {
    const w = wb.value
    cancel()
    if (!w || id == null) return
    const feature = w.editSource.getFeatureById(id) as Feature<Geometry> | null
    const geometry = feature?.getGeometry()
    if (!feature || !geometry) return
    claim()
    run.value = null
    sketch = feature
    original = geometry.clone()
    feature.set('edit_kind', 'selected')
    editingId.value = id
    mode.value = 'modifying'
    startModify()
  }

  /** What the server will follow: the regrid run's counts and moves. */
  async function follow(runId: number) {
    following.value = true
    try {
      await pollRegridRun(runId, mapApi.regridRun, {
        onUpdate: (r) => (run.value = r),
        cancelled: () => disposed,
      })
      wb.value?.refresh('buildings')
    } finally {
      following.value = false
    }
  }

  async function save() {
    const w = wb.value
    const c = community.value
    const geometry = sketch?.getGeometry()
    if (!w || !c || !geometry || (mode.value !== 'drawn' && mode.value !== 'modifying')) return
    geometryError.value = ''
    fieldErrors.clear()
    const area: GeoArea = roundArea(w.writeArea(geometry))
    const creating = mode.value === 'drawn'
    saving.value = true
    let saved: OrgUnit
    try {
      saved =
        creating
          ? await mapApi.createGrid({ level: 'grid', parent_id: c.id, code: form.code.trim(), name: form.name.trim(), geometry: area })
          : await mapApi.updateGridGeometry(editingId.value!, area)
    } catch (e) {
      // The drawing stays as it is, to be corrected.
      if (isApiError(e) && e.field === 'geometry') geometryError.value = e.message || t('map.draw.geometryRefused')
      else if (!fieldErrors.take(e) && isApiError(e) && e.status !== 401) {
        ElMessage({ type: 'error', message: errorText(e), grouping: true })
      }
      return
    } finally {
      saving.value = false
    }
    ElMessage({ type: 'success', message: creating ? t('common.created') : t('common.saved') })
    // The saved polygon stays; it is reloaded from the server with the others.
    if (!creating) original = null
    cancel()
    w.refresh('grids')
    void loadGrids()
    org.invalidate()
    if (saved?.regrid_run_id != null) void follow(saved.regrid_run_id)
  }

  onBeforeUnmount(() => {
    disposed = true
    removeInteractions()
  })

  return {
    communityId,
    community,
    grids,
    mode,
    editingId,
    form,
    fieldErrors,
    geometryError,
    loadingGrids,
    saving,
    run,
    following,
    chooseCommunity,
    pickOnMap,
    startDraw,
    editGrid,
    save,
    cancel,
  }
}
