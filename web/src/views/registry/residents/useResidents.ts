// 实有人口: the filtered, sorted, paged list; the form's state and the body it sends.
import { useRouter } from 'vue-router'
import { residentApi, residentExportUrl, residentQuery, type ResidentFilters } from '@/api/registry'
import type { PageQuery, ResidentDetail, ResidentForm } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'
import { normalizePhone } from '@/utils/phone'

export const emptyResidentFilters = (): ResidentFilters => ({
  org_unit_id: null,
  registration_type: '',
  special_group: '',
  gender: '',
  age_min: null,
  age_max: null,
  q: '',
  id_number: '',
  sort: '',
})

/** el-table's sort-change → the server's `sort` (`name`, `-birth_date`, or '' for its default). */
export function sortParam(prop: string | null | undefined, order: string | null | undefined): string {
  if (!prop || !order) return ''
  return order === 'descending' ? `-${prop}` : prop
}

/** The other way round, for the table's initial sort indicator. */
export function sortOrder(sort: string): { prop: string; order: 'ascending' | 'descending' } | undefined {
  if (!sort) return undefined
  return sort.startsWith('-') ? { prop: sort.slice(1), order: 'descending' } : { prop: sort, order: 'ascending' }
}

export function useResidents() {
  const router = useRouter()
  const list = usePagedList(
    (f: ResidentFilters & PageQuery) =>
      residentApi.list({ ...residentQuery(f), ...paging(f) }),
    emptyResidentFilters,
  )

  function onSortChange({ prop, order }: { prop: string | null; order: string | null }) {
    list.filters.sort = sortParam(prop, order)
    return list.search()
  }

  /** The export is a plain download: the session cookie goes along, the browser saves the file. */
  function exportXlsx(unmasked = false) {
    window.location.href = residentExportUrl(list.filters, unmasked)
  }

  function goImport() {
    return router.push({ name: 'registry-import', query: { kind: 'residents' } })
  }

  return { ...list, onSortChange, exportXlsx, goImport }
}

// ---------- the form ----------

/** Where a new person lives: a house (moves in) or only a grid/community. */
export type PlaceKind = 'house' | 'unit'

export interface ResidentFormState {
  name: string
  id_type: string
  id_number: string
  gender: string
  birth_date: string
  ethnicity: string
  registration_type: string
  phone: string
  nationality: string
  special_groups: string[]
  former_name: string
  native_place_code: string
  registered_address_code: string
  registered_address: string
  current_address: string
  education: string
  marital_status: string
  political_status: string
  occupation: string
  employer: string
  place: PlaceKind
  house_id: number | null
  org_unit_id: number | null
  relation: string
  since: string
}

export const emptyResidentForm = (): ResidentFormState => ({
  name: '',
  id_type: 'id_card',
  id_number: '',
  gender: '',
  birth_date: '',
  ethnicity: '01',
  registration_type: '',
  phone: '',
  nationality: '',
  special_groups: [],
  former_name: '',
  native_place_code: '',
  registered_address_code: '',
  registered_address: '',
  current_address: '',
  education: '',
  marital_status: '',
  political_status: '',
  occupation: '',
  employer: '',
  place: 'house',
  house_id: null,
  org_unit_id: null,
  relation: '',
  since: '',
})

/**
 * The form filled from a record. A masked record (the caller may not see numbers in full) leaves
 * the identity number and phone empty: the update replaces them, so they must be typed again.
 */
export function formStateFrom(d: ResidentDetail): ResidentFormState {
  return {
    ...emptyResidentForm(),
    name: d.name,
    id_type: d.id_type || 'id_card',
    id_number: d.masked ? '' : d.id_number,
    gender: d.gender,
    birth_date: d.birth_date ?? '',
    ethnicity: d.ethnicity,
    registration_type: d.registration_type,
    phone: d.masked ? '' : d.phone,
    nationality: d.nationality,
    special_groups: [...d.special_groups],
    former_name: d.former_name,
    native_place_code: d.native_place_code,
    registered_address_code: d.registered_address_code,
    registered_address: d.registered_address,
    current_address: d.current_address,
    education: d.education,
    marital_status: d.marital_status,
    political_status: d.political_status,
    occupation: d.occupation,
    employer: d.employer,
  }
}

const opt = (v: string) => {
  const s = v.trim()
  return s ? s : null
}

/**
 * The body of POST (create) or PUT (edit). For a 居民身份证 gender and birth date are left to the
 * server, which reads them from the number; the place (house or unit) is sent only on create —
 * later moves go through 迁入/迁出.
 */
export function residentFormBody(s: ResidentFormState, creating: boolean): ResidentForm {
  const idCard = s.id_type === 'id_card'
  const body: ResidentForm = {
    name: s.name.trim(),
    id_type: s.id_type,
    id_number: s.id_number.trim().toUpperCase(),
    registration_type: s.registration_type,
    gender: idCard ? null : opt(s.gender),
    birth_date: idCard ? null : opt(s.birth_date),
    ethnicity: opt(s.ethnicity),
    phone: opt(normalizePhone(s.phone)),
    nationality: opt(s.nationality)?.toUpperCase() ?? null,
    special_groups: [...s.special_groups],
    former_name: opt(s.former_name),
    native_place_code: opt(s.native_place_code),
    registered_address_code: opt(s.registered_address_code),
    registered_address: opt(s.registered_address),
    current_address: opt(s.current_address),
    education: opt(s.education),
    marital_status: opt(s.marital_status),
    political_status: opt(s.political_status),
    occupation: opt(s.occupation),
    employer: opt(s.employer),
  }
  if (creating) {
    if (s.place === 'house') {
      body.house_id = s.house_id
      body.relation = opt(s.relation)
      body.since = opt(s.since)
    } else {
      body.org_unit_id = s.org_unit_id
    }
  }
  return body
}
