import { describe, expect, it } from 'vitest'
import { placeQuery } from '@/api/registry'
import type { KeyEnterprise, KeyPlace, PropertyCompany } from '@/api/types'
import { emptyPlaceFilters, creditCodeRule, latRule, lonRule, phoneRule } from './places'
import {
  emptyPropertyCompanyForm,
  propertyCompanyFormBody,
  propertyCompanyFormFrom,
} from './property-companies/usePropertyCompanies'
import { emptyKeyPlaceForm, keyPlaceFormBody, keyPlaceFormFrom } from './key-places/useKeyPlaces'
import { keyEnterpriseFormBody, keyEnterpriseFormFrom } from './key-enterprises/useKeyEnterprises'

const t = (key: string) => key
type Validator = (rule: unknown, value: unknown, cb: (e?: Error) => void) => void
function run(rule: unknown, value: unknown): string | undefined {
  let out: string | undefined
  ;(rule as { validator: Validator }).validator({}, value, (e) => (out = e?.message))
  return out
}

describe('placeQuery', () => {
  it('sends nothing for an empty filter bar', () => {
    expect(placeQuery(emptyPlaceFilters())).toEqual({})
  })
  it('sends the unit, the type as kind, and the trimmed keyword', () => {
    expect(placeQuery({ org_unit_id: 13, kind: 'school', q: ' 小学 ' })).toEqual({ org_unit_id: 13, kind: 'school', q: '小学' })
  })
})

describe('organisation forms', () => {
  const company: PropertyCompany = {
    id: 1,
    name: '安居物业',
    credit_code: '91350100M000100Y43',
    contact: '张三',
    phone: '138****8000',
    address: '良安田路1号',
    org_unit_id: 13,
    org_unit_name: '良安田社区',
  }

  it('starts an edit with the phone empty, never the masked one', () => {
    expect(propertyCompanyFormFrom(company).phone).toBe('')
    const place = { id: 1, name: 'x', place_type: 'school', address: '', lon: null, lat: null, org_unit_id: 13, org_unit_name: '', owner: '', person_in_charge: '', phone: '075******5678' } as KeyPlace
    expect(keyPlaceFormFrom(place).phone).toBe('')
    const ent = { ...place, credit_code: '', industry: 'hotel', hazard_class: '', staff_count: 3, licence_numbers: '' } as unknown as KeyEnterprise
    expect(keyEnterpriseFormFrom(ent).phone).toBe('')
    expect(keyEnterpriseFormFrom(ent).staff_count).toBe(3)
  })

  it('sends every field, blanks as null, the credit code upper-cased and the phone without spaces', () => {
    expect(
      propertyCompanyFormBody({
        ...propertyCompanyFormFrom(company),
        credit_code: ' 91350100m000100y43 ',
        phone: '138 0013 8000',
        contact: '  ',
      }),
    ).toEqual({
      name: '安居物业',
      credit_code: '91350100M000100Y43',
      contact: null,
      phone: '13800138000',
      address: '良安田路1号',
      org_unit_id: 13,
    })
    // An edit whose phone is left empty sends null: the server clears the stored phone.
    expect(propertyCompanyFormBody(propertyCompanyFormFrom(company)).phone).toBeNull()
    expect(propertyCompanyFormBody({ ...emptyPropertyCompanyForm(), name: 'x', org_unit_id: 2 })).toEqual({
      name: 'x',
      credit_code: null,
      contact: null,
      phone: null,
      address: null,
      org_unit_id: 2,
    })
  })

  it('keeps coordinates and counts as numbers or null', () => {
    expect(keyPlaceFormBody({ ...emptyKeyPlaceForm(), name: 'a', place_type: 'market', org_unit_id: 5, lon: 114.2, lat: null })).toMatchObject({
      lon: 114.2,
      lat: null,
      owner: null,
    })
    const body = keyEnterpriseFormBody({
      ...keyEnterpriseFormFrom({ id: 1, name: 'e', credit_code: '', industry: 'hotel', hazard_class: ' 一级 ', staff_count: 0, licence_numbers: '', address: '', lon: null, lat: null, org_unit_id: 13, org_unit_name: '', person_in_charge: '', phone: '' }),
    })
    expect(body).toMatchObject({ staff_count: 0, hazard_class: '一级', credit_code: null, industry: 'hotel' })
  })
})

describe('organisation form rules', () => {
  it('checks a typed credit code with GB 32100 and lets a blank one pass', () => {
    expect(run(creditCodeRule(t), '')).toBeUndefined()
    expect(run(creditCodeRule(t), '91350100M000100Y43')).toBeUndefined()
    expect(run(creditCodeRule(t), '91350100M000100Y44')).toBe('place.creditCodeFormat')
  })
  it('checks phones and coordinates only when given', () => {
    expect(run(phoneRule(t), '')).toBeUndefined()
    expect(run(phoneRule(t), '0755-12345678')).toBeUndefined()
    expect(run(phoneRule(t), '138****8000')).toBe('place.phoneFormat')
    expect(run(lonRule(t), null)).toBeUndefined()
    expect(run(lonRule(t), 200)).toBe('place.lonRange')
    expect(run(latRule(t), 22.7)).toBeUndefined()
    expect(run(latRule(t), 60)).toBe('place.latRange')
  })
})
