// 物业公司: the filtered, paged list; the form's state and the body it sends.
import { placeQuery, propertyCompanyApi, type PlaceFilters } from '@/api/registry'
import type { PageQuery, PropertyCompany, PropertyCompanyInput } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'
import { normalizeCreditCode } from '@/utils/creditCode'
import { emptyPlaceFilters, opt, optPhone } from '../places'

export function usePropertyCompanies() {
  return usePagedList(
    (f: PlaceFilters & PageQuery) =>
      propertyCompanyApi.list({ ...placeQuery(f), ...paging(f) }),
    emptyPlaceFilters,
  )
}

export interface PropertyCompanyFormState {
  name: string
  credit_code: string
  contact: string
  /** Lists answer the phone masked, so an edit starts empty; what is sent replaces the stored one. */
  phone: string
  address: string
  org_unit_id: number | null
}

export const emptyPropertyCompanyForm = (): PropertyCompanyFormState => ({
  name: '',
  credit_code: '',
  contact: '',
  phone: '',
  address: '',
  org_unit_id: null,
})

export function propertyCompanyFormFrom(c: PropertyCompany): PropertyCompanyFormState {
  return {
    name: c.name,
    credit_code: c.credit_code,
    contact: c.contact,
    phone: '',
    address: c.address,
    org_unit_id: c.org_unit_id,
  }
}

/** The body of POST and PUT: every field as the form has it (a PUT replaces the record). */
export function propertyCompanyFormBody(s: PropertyCompanyFormState): PropertyCompanyInput {
  return {
    name: s.name.trim(),
    credit_code: opt(normalizeCreditCode(s.credit_code)),
    contact: opt(s.contact),
    phone: optPhone(s.phone),
    address: opt(s.address),
    org_unit_id: s.org_unit_id ?? 0,
  }
}
