// 房屋: the filtered, paged list and its export; the form's state and the body it sends.
import { houseApi, houseExportUrl, houseQuery, type HouseFilters } from '@/api/registry'
import type { House, HouseInput, PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'

export const emptyHouseFilters = (): HouseFilters => ({
  org_unit_id: null,
  building_id: null,
  use_type: '',
  is_rental: '',
  q: '',
})

export function useHouses() {
  const list = usePagedList(
    (f: HouseFilters & PageQuery) =>
      houseApi.list({ ...houseQuery(f), ...paging(f) }),
    emptyHouseFilters,
  )

  function exportXlsx() {
    window.location.href = houseExportUrl(list.filters)
  }

  return { ...list, exportXlsx }
}

export interface HouseFormState {
  building_id: number | null
  room: string
  area: number | null
  use_type: string
  is_rental: boolean
  rental_use: string
  owner_org: string
}

export const emptyHouseForm = (): HouseFormState => ({
  building_id: null,
  room: '',
  area: null,
  use_type: 'residential',
  is_rental: false,
  rental_use: '',
  owner_org: '',
})

export function houseFormFrom(h: House): HouseFormState {
  return {
    building_id: h.building_id,
    room: h.room,
    area: h.area ?? null,
    use_type: h.use_type,
    is_rental: h.is_rental,
    rental_use: h.rental_use,
    owner_org: h.owner_org,
  }
}

/** The body of POST/PUT. The owner (a resident) is not edited here and is kept as it was. */
export function houseFormBody(s: HouseFormState, keep?: House | null): HouseInput {
  const opt = (v: string) => (v.trim() ? v.trim() : null)
  return {
    building_id: s.building_id ?? 0,
    room: s.room.trim(),
    area: s.area ?? null,
    use_type: s.use_type,
    is_rental: s.is_rental,
    rental_use: s.is_rental ? opt(s.rental_use) : null,
    owner_org: opt(s.owner_org),
    owner_resident_id: keep?.owner_resident_id ?? null,
  }
}
