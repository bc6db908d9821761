import { describe, expect, it } from 'vitest'
import {
  buildingExportUrl,
  buildingQuery,
  houseExportUrl,
  houseQuery,
  residentExportUrl,
  residentQuery,
  type ResidentFilters,
} from './registry'

const blank: ResidentFilters = {
  org_unit_id: null,
  registration_type: '',
  special_group: '',
  gender: '',
  age_min: null,
  age_max: null,
  q: '',
  id_number: '',
  sort: '',
}

describe('residentQuery', () => {
  it('sends nothing for an empty filter bar', () => {
    expect(residentQuery(blank)).toEqual({})
  })

  it('sends every filter that is set, trimmed', () => {
    expect(
      residentQuery({
        org_unit_id: 13,
        registration_type: 'migrant',
        special_group: 'drug_user',
        gender: 'female',
        age_min: 18,
        age_max: 59,
        q: '  良安田 ',
        id_number: ' 34052419800101001x ',
        sort: '-birth_date',
      }),
    ).toEqual({
      org_unit_id: 13,
      registration_type: 'migrant',
      special_group: 'drug_user',
      gender: 'female',
      age_min: 18,
      age_max: 59,
      q: '良安田',
      id_number: '34052419800101001X',
      sort: '-birth_date',
    })
  })

  it('keeps an age of 0, drops fractions, and turns a backwards range round', () => {
    expect(residentQuery({ ...blank, age_min: 0 })).toEqual({ age_min: 0 })
    expect(residentQuery({ ...blank, age_max: 17.8 })).toEqual({ age_max: 17 })
    expect(residentQuery({ ...blank, age_min: 60, age_max: 18 })).toEqual({ age_min: 18, age_max: 60 })
    expect(residentQuery({ ...blank, age_min: Number.NaN, q: '   ' })).toEqual({})
  })
})

describe('buildingQuery and houseQuery', () => {
  it('leave blanks out', () => {
    expect(buildingQuery({ org_unit_id: null, use_type: '', q: ' ' })).toEqual({})
    expect(buildingQuery({ org_unit_id: 132, use_type: 'residential', q: 'LAT' })).toEqual({
      org_unit_id: 132,
      use_type: 'residential',
      q: 'LAT',
    })
  })

  it('turn 是否出租 into a boolean, or leave it out for 全部', () => {
    const f = { org_unit_id: null, building_id: null, use_type: '', q: '' }
    expect(houseQuery({ ...f, is_rental: '' })).toEqual({})
    expect(houseQuery({ ...f, is_rental: 'yes' })).toEqual({ is_rental: true })
    expect(houseQuery({ ...f, is_rental: 'no' })).toEqual({ is_rental: false })
    expect(houseQuery({ ...f, building_id: 4, is_rental: '' })).toEqual({ building_id: 4 })
  })
})

describe('export links', () => {
  it('carry the filters but not the sort or the exact identity number', () => {
    const f = { ...blank, org_unit_id: 13, gender: 'male', sort: 'name', id_number: '34052419800101001X' }
    expect(residentExportUrl(f)).toBe('/api/v1/residents/export?org_unit_id=13&gender=male')
    expect(residentExportUrl(f, true)).toBe('/api/v1/residents/export?org_unit_id=13&gender=male&unmasked=true')
    expect(residentExportUrl(blank)).toBe('/api/v1/residents/export')
  })

  it('export buildings and houses with their filters', () => {
    expect(buildingExportUrl({ org_unit_id: 132, use_type: '', q: '1栋' })).toBe(
      '/api/v1/buildings/export?org_unit_id=132&q=1%E6%A0%8B',
    )
    expect(houseExportUrl({ org_unit_id: null, building_id: 3, use_type: 'residential', is_rental: 'no', q: '' })).toBe(
      '/api/v1/houses/export?use_type=residential&is_rental=false',
    )
  })
})
