// 楼栋: the filtered, paged list and its export; the form's state and the body it sends.
import { buildingApi, buildingExportUrl, buildingQuery, type BuildingFilters } from '@/api/registry'
import type { Building, BuildingInput, PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'

export const emptyBuildingFilters = (): BuildingFilters => ({ org_unit_id: null, use_type: '', q: '' })

export function useBuildings() {
  const list = usePagedList(
    (f: BuildingFilters & PageQuery) =>
      buildingApi.list({ ...buildingQuery(f), ...paging(f) }),
    emptyBuildingFilters,
  )

  function exportXlsx() {
    window.location.href = buildingExportUrl(list.filters)
  }

  return { ...list, exportXlsx }
}

export interface BuildingFormState {
  code: string
  name: string
  address: string
  grid_id: number | null
  lon: number | null
  lat: number | null
  floors: number | null
  use_type: string
  structure: string
  manager: string
}

export const emptyBuildingForm = (): BuildingFormState => ({
  code: '',
  name: '',
  address: '',
  grid_id: null,
  lon: null,
  lat: null,
  floors: null,
  use_type: 'residential',
  structure: '',
  manager: '',
})

export function buildingFormFrom(b: Building): BuildingFormState {
  return {
    code: b.code,
    name: b.name,
    address: b.address,
    grid_id: b.grid_id,
    lon: b.lon,
    lat: b.lat,
    floors: b.floors || null,
    use_type: b.use_type,
    structure: b.structure,
    manager: b.manager,
  }
}

/** The body of POST/PUT (the rules have made sure grid and coordinates are there). */
export function buildingFormBody(s: BuildingFormState, keep?: Building | null): BuildingInput {
  const opt = (v: string) => (v.trim() ? v.trim() : null)
  return {
    code: s.code.trim(),
    name: s.name.trim(),
    address: opt(s.address),
    grid_id: s.grid_id ?? 0,
    lon: s.lon ?? 0,
    lat: s.lat ?? 0,
    floors: s.floors ?? null,
    use_type: s.use_type,
    structure: opt(s.structure),
    manager: opt(s.manager),
    // Not edited here: kept as it was.
    property_company_id: keep?.property_company_id ?? null,
  }
}
