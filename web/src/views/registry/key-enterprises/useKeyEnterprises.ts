// 重点企业: the filtered, paged list; the form's state and the body it sends.
import { keyEnterpriseApi, placeQuery, type PlaceFilters } from '@/api/registry'
import type { KeyEnterprise, KeyEnterpriseInput, PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'
import { normalizeCreditCode } from '@/utils/creditCode'
import { emptyPlaceFilters, opt, optPhone } from '../places'

export function useKeyEnterprises() {
  return usePagedList(
    (f: PlaceFilters & PageQuery) => keyEnterpriseApi.list({ ...placeQuery(f), ...paging(f) }),
    emptyPlaceFilters,
  )
}

export interface KeyEnterpriseFormState {
  name: string
  credit_code: string
  industry: string
  hazard_class: string
  staff_count: number | null
  licence_numbers: string
  address: string
  lon: number | null
  lat: number | null
  org_unit_id: number | null
  person_in_charge: string
  /** Starts empty on an edit (lists answer it masked); what is sent replaces the stored one. */
  phone: string
}

export const emptyKeyEnterpriseForm = (): KeyEnterpriseFormState => ({
  name: '',
  credit_code: '',
  industry: '',
  hazard_class: '',
  staff_count: null,
  licence_numbers: '',
  address: '',
  lon: null,
  lat: null,
  org_unit_id: null,
  person_in_charge: '',
  phone: '',
})

export function keyEnterpriseFormFrom(e: KeyEnterprise): KeyEnterpriseFormState {
  return {
    name: e.name,
    credit_code: e.credit_code,
    industry: e.industry,
    hazard_class: e.hazard_class,
    staff_count: e.staff_count,
    licence_numbers: e.licence_numbers,
    address: e.address,
    lon: e.lon ?? null,
    lat: e.lat ?? null,
    org_unit_id: e.org_unit_id,
    person_in_charge: e.person_in_charge,
    phone: '',
  }
}

export function keyEnterpriseFormBody(s: KeyEnterpriseFormState): KeyEnterpriseInput {
  return {
    name: s.name.trim(),
    credit_code: opt(normalizeCreditCode(s.credit_code)),
    industry: s.industry,
    hazard_class: opt(s.hazard_class),
    staff_count: s.staff_count ?? null,
    licence_numbers: opt(s.licence_numbers),
    address: opt(s.address),
    lon: s.lon ?? null,
    lat: s.lat ?? null,
    org_unit_id: s.org_unit_id ?? 0,
    person_in_charge: opt(s.person_in_charge),
    phone: optPhone(s.phone),
  }
}
