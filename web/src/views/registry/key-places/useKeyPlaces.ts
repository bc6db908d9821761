// 重点场所: the filtered, paged list; the form's state and the body it sends.
import { keyPlaceApi, placeQuery, type PlaceFilters } from '@/api/registry'
import type { KeyPlace, KeyPlaceInput, PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'
import { emptyPlaceFilters, opt, optPhone } from '../places'

export function useKeyPlaces() {
  return usePagedList(
    (f: PlaceFilters & PageQuery) => keyPlaceApi.list({ ...placeQuery(f), ...paging(f) }),
    emptyPlaceFilters,
  )
}

export interface KeyPlaceFormState {
  name: string
  place_type: string
  address: string
  lon: number | null
  lat: number | null
  org_unit_id: number | null
  owner: string
  person_in_charge: string
  /** Starts empty on an edit (lists answer it masked); what is sent replaces the stored one. */
  phone: string
}

export const emptyKeyPlaceForm = (): KeyPlaceFormState => ({
  name: '',
  place_type: '',
  address: '',
  lon: null,
  lat: null,
  org_unit_id: null,
  owner: '',
  person_in_charge: '',
  phone: '',
})

export function keyPlaceFormFrom(p: KeyPlace): KeyPlaceFormState {
  return {
    name: p.name,
    place_type: p.place_type,
    address: p.address,
    lon: p.lon ?? null,
    lat: p.lat ?? null,
    org_unit_id: p.org_unit_id,
    owner: p.owner,
    person_in_charge: p.person_in_charge,
    phone: '',
  }
}

export function keyPlaceFormBody(s: KeyPlaceFormState): KeyPlaceInput {
  return {
    name: s.name.trim(),
    place_type: s.place_type,
    address: opt(s.address),
    lon: s.lon ?? null,
    lat: s.lat ?? null,
    org_unit_id: s.org_unit_id ?? 0,
    owner: opt(s.owner),
    person_in_charge: opt(s.person_in_charge),
    phone: optPhone(s.phone),
  }
}
