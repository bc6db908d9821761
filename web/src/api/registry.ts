// Endpoints of the base registries (基础信息): code tables, residents (and their 特殊人群 records),
// buildings, houses, property companies, key places, key enterprises, summary counts and
// spreadsheet imports; and the filter bars' values turned into the server's queries.
import { buildUrl, http, type Query } from './client'
import type {
  Building,
  BuildingInput,
  BuildingList,
  Dicts,
  House,
  HouseDetail,
  HouseInput,
  HouseList,
  ImportJob,
  ImportKind,
  ImportMode,
  ImportStarted,
  KeyEnterprise,
  KeyEnterpriseInput,
  KeyEnterpriseList,
  KeyPlace,
  KeyPlaceInput,
  KeyPlaceList,
  MoveIn,
  MoveOut,
  PageQuery,
  PropertyCompany,
  PropertyCompanyInput,
  PropertyCompanyList,
  ResidentDetail,
  ResidentForm,
  ResidentList,
  SpecialGroupInput,
  SpecialGroupRecord,
  UnitSummary,
} from './types'

// ---------- queries ----------

export interface ResidentQuery extends PageQuery {
  org_unit_id?: number
  registration_type?: string
  special_group?: string
  gender?: string
  age_min?: number
  age_max?: number
  q?: string
  id_number?: string
  /** name | birth_date | id; `-` prefix for descending. */
  sort?: string
}

export interface BuildingQuery extends PageQuery {
  org_unit_id?: number
  use_type?: string
  q?: string
}

export interface HouseQuery extends PageQuery {
  org_unit_id?: number
  building_id?: number
  use_type?: string
  is_rental?: boolean
  q?: string
}

/**
 * Property companies, key places and key enterprises. `kind` is the place type (key places) or the
 * industry (key enterprises): the name the API documents (the server also reads `place_type` and
 * `industry`).
 */
export interface PlaceQuery extends PageQuery {
  org_unit_id?: number
  kind?: string
  q?: string
}

/** The residents page's filter bar as the user left it (empty strings and nulls for "any"). */
export interface ResidentFilters {
  org_unit_id?: number | null
  registration_type: string
  special_group: string
  gender: string
  age_min?: number | null
  age_max?: number | null
  q: string
  id_number: string
  sort: string
}

export interface BuildingFilters {
  org_unit_id?: number | null
  use_type: string
  q: string
}

/** `is_rental`: '' any, 'yes' only rental houses, 'no' only others. */
export interface HouseFilters {
  org_unit_id?: number | null
  building_id?: number | null
  use_type: string
  is_rental: '' | 'yes' | 'no'
  q: string
}

/** The filter bar of 物业公司 / 重点场所 / 重点企业; `kind` is '' on the property companies page. */
export interface PlaceFilters {
  org_unit_id?: number | null
  kind: string
  q: string
}

const text = (v: string | null | undefined) => {
  const s = (v ?? '').trim()
  return s ? s : undefined
}
const id = (v: number | null | undefined) => (v == null ? undefined : v)
const age = (v: number | null | undefined) => (v == null || Number.isNaN(v) ? undefined : Math.max(0, Math.trunc(v)))

/**
 * The residents filter bar → the list query: blanks left out, the identity number trimmed and
 * upper-cased (the server looks it up exactly), an age range typed backwards put the right way round.
 */
export function residentQuery(f: ResidentFilters): ResidentQuery {
  let min = age(f.age_min)
  let max = age(f.age_max)
  if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min]
  const out: ResidentQuery = {
    org_unit_id: id(f.org_unit_id),
    registration_type: text(f.registration_type),
    special_group: text(f.special_group),
    gender: text(f.gender),
    age_min: min,
    age_max: max,
    q: text(f.q),
    id_number: text(f.id_number)?.toUpperCase(),
    sort: text(f.sort),
  }
  return prune(out)
}

export function buildingQuery(f: BuildingFilters): BuildingQuery {
  return prune({ org_unit_id: id(f.org_unit_id), use_type: text(f.use_type), q: text(f.q) })
}

export function houseQuery(f: HouseFilters): HouseQuery {
  return prune({
    org_unit_id: id(f.org_unit_id),
    building_id: id(f.building_id),
    use_type: text(f.use_type),
    is_rental: f.is_rental === 'yes' ? true : f.is_rental === 'no' ? false : undefined,
    q: text(f.q),
  })
}

export function placeQuery(f: PlaceFilters): PlaceQuery {
  return prune({ org_unit_id: id(f.org_unit_id), kind: text(f.kind), q: text(f.q) })
}

/** Drops the keys whose value is undefined, so queries compare and print cleanly. */
function prune<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

// ---------- downloads (plain links: the session cookie goes along) ----------

/**
 * The XLSX export of what the filters show. The export takes neither paging, sorting nor the
 * exact identity number, so those are left out. `unmasked` needs `resident:read_full` (audited).
 */
export function residentExportUrl(f: ResidentFilters, unmasked = false): string {
  const { id_number: _n, sort: _s, ...rest } = residentQuery(f)
  return buildUrl('/api/v1/residents/export', { ...rest, unmasked: unmasked || undefined } as Query)
}

export function buildingExportUrl(f: BuildingFilters): string {
  return buildUrl('/api/v1/buildings/export', { ...buildingQuery(f) } as Query)
}

export function houseExportUrl(f: HouseFilters): string {
  const { building_id: _b, ...rest } = houseQuery(f)
  return buildUrl('/api/v1/houses/export', { ...rest } as Query)
}

export const importTemplateUrl = (kind: ImportKind) => `/api/v1/imports/templates/${kind}.xlsx`
export const rejectedRowsUrl = (jobId: number) => `/api/v1/imports/${jobId}/rejected.xlsx`

// ---------- endpoints ----------

export const dictApi = {
  all: () => http.get<Dicts>('/api/v1/dicts'),
}

export const residentApi = {
  list: (query: ResidentQuery = {}) => http.get<ResidentList>('/api/v1/residents', { ...query }),
  /** Every read is audited; `unmasked` shows identity number and phone in full. */
  get: (id: number, unmasked = false) =>
    http.get<ResidentDetail>(`/api/v1/residents/${id}`, { unmasked: unmasked || undefined }),
  /** Silent: the form shows a duplicate (409, `details.existing_id`) and field errors itself. */
  create: (body: ResidentForm) => http.post<ResidentDetail>('/api/v1/residents', body, { silent: true }),
  update: (id: number, body: ResidentForm) =>
    http.put<ResidentDetail>(`/api/v1/residents/${id}`, body, { silent: true }),
  moveIn: (id: number, body: MoveIn) => http.post<ResidentDetail>(`/api/v1/residents/${id}/move-in`, body),
  moveOut: (id: number, body: MoveOut) => http.post<ResidentDetail>(`/api/v1/residents/${id}/move-out`, body),
  /** 特殊人群 records; every read is audited, so only when the drawer opens. */
  specialGroups: (id: number) =>
    http.get<{ items: SpecialGroupRecord[] }>(`/api/v1/residents/${id}/special-groups`).then((l) => l.items),
  /** Also tags the resident with the kind. */
  addSpecialGroup: (id: number, body: SpecialGroupInput) =>
    http.post<SpecialGroupRecord>(`/api/v1/residents/${id}/special-groups`, body),
}

export const buildingApi = {
  list: (query: BuildingQuery = {}) => http.get<BuildingList>('/api/v1/buildings', { ...query }),
  get: (id: number) => http.get<Building>(`/api/v1/buildings/${id}`),
  create: (body: BuildingInput) => http.post<Building>('/api/v1/buildings', body),
  update: (id: number, body: BuildingInput) => http.put<Building>(`/api/v1/buildings/${id}`, body),
}

export const houseApi = {
  list: (query: HouseQuery = {}) => http.get<HouseList>('/api/v1/houses', { ...query }),
  get: (id: number) => http.get<HouseDetail>(`/api/v1/houses/${id}`),
  create: (body: HouseInput) => http.post<House>('/api/v1/houses', body),
  update: (id: number, body: HouseInput) => http.put<House>(`/api/v1/houses/${id}`, body),
}

export const propertyCompanyApi = {
  list: (query: PlaceQuery = {}) => http.get<PropertyCompanyList>('/api/v1/property-companies', { ...query }),
  create: (body: PropertyCompanyInput) => http.post<PropertyCompany>('/api/v1/property-companies', body),
  update: (id: number, body: PropertyCompanyInput) =>
    http.put<PropertyCompany>(`/api/v1/property-companies/${id}`, body),
}

export const keyPlaceApi = {
  list: (query: PlaceQuery = {}) => http.get<KeyPlaceList>('/api/v1/key-places', { ...query }),
  create: (body: KeyPlaceInput) => http.post<KeyPlace>('/api/v1/key-places', body),
  update: (id: number, body: KeyPlaceInput) => http.put<KeyPlace>(`/api/v1/key-places/${id}`, body),
}

export const keyEnterpriseApi = {
  list: (query: PlaceQuery = {}) => http.get<KeyEnterpriseList>('/api/v1/key-enterprises', { ...query }),
  create: (body: KeyEnterpriseInput) => http.post<KeyEnterprise>('/api/v1/key-enterprises', body),
  update: (id: number, body: KeyEnterpriseInput) => http.put<KeyEnterprise>(`/api/v1/key-enterprises/${id}`, body),
}

export const summaryApi = {
  /** Counts per child unit of `orgUnitId`; without it, the top units of the caller's scope. */
  get: (orgUnitId?: number | null) =>
    http.get<UnitSummary[]>('/api/v1/registry/summary', { org_unit_id: orgUnitId ?? undefined }),
}

export const importApi = {
  /** Multipart upload; answers 202 with the job's id. */
  start: (kind: ImportKind, mode: ImportMode, file: File | Blob, fileName?: string) => {
    const form = new FormData()
    form.append('kind', kind)
    form.append('mode', mode)
    if (fileName !== undefined) form.append('file', file, fileName)
    else form.append('file', file)
    return http.post<ImportStarted>('/api/v1/imports', form)
  },
  /** Silent: the polling shows a lost connection its own way. */
  get: (id: number) => http.get<ImportJob>(`/api/v1/imports/${id}`, undefined, { silent: true }),
}
