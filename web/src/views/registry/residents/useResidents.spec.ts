import { describe, expect, it } from 'vitest'
import type { ResidentDetail } from '@/api/types'
import { emptyResidentForm, formStateFrom, residentFormBody, sortOrder, sortParam } from './useResidents'
import { idNumberError } from './rules'

describe('sortParam', () => {
  it('turns el-table’s sort into the server’s', () => {
    expect(sortParam('name', 'ascending')).toBe('name')
    expect(sortParam('birth_date', 'descending')).toBe('-birth_date')
    expect(sortParam('name', null)).toBe('')
    expect(sortParam(null, 'ascending')).toBe('')
    expect(sortOrder('-birth_date')).toEqual({ prop: 'birth_date', order: 'descending' })
    expect(sortOrder('name')).toEqual({ prop: 'name', order: 'ascending' })
    expect(sortOrder('')).toBeUndefined()
  })
})

const detail: ResidentDetail = {
  id: 7,
  name: '赵明',
  id_type: 'id_card',
  id_number: '420106********6658',
  gender: 'male',
  birth_date: '1942-01-26',
  age: 84,
  ethnicity: '01',
  registration_type: 'migrant',
  phone: '135****9330',
  org_unit_id: 134,
  org_unit_name: '良安田社区第03网格',
  special_groups: ['drug_user'],
  former_name: '',
  native_place_code: '',
  registered_address_code: '',
  registered_address: '',
  current_address: '良安田社区3巷2号301',
  education: '',
  marital_status: '',
  political_status: '',
  occupation: '',
  employer: '',
  nationality: '',
  masked: true,
  residences: [],
}

describe('the resident form', () => {
  it('leaves masked numbers empty, to be typed again, and keeps full ones', () => {
    const masked = formStateFrom(detail)
    expect(masked.id_number).toBe('')
    expect(masked.phone).toBe('')
    expect(masked.special_groups).toEqual(['drug_user'])
    const full = formStateFrom({ ...detail, masked: false, id_number: '420106194201266658', phone: '13565799330' })
    expect(full.id_number).toBe('420106194201266658')
    expect(full.phone).toBe('13565799330')
  })

  it('sends a new person with a house, leaving gender and birth date of an ID card to the server', () => {
    const s = {
      ...emptyResidentForm(),
      name: ' 张小三 ',
      id_number: '34052419800101001x',
      gender: 'male',
      birth_date: '1980-01-01',
      registration_type: 'migrant',
      phone: '138 1234 5678',
      house_id: 5,
      relation: '01',
    }
    const body = residentFormBody(s, true)
    expect(body).toMatchObject({
      name: '张小三',
      id_type: 'id_card',
      id_number: '34052419800101001X',
      gender: null,
      birth_date: null,
      ethnicity: '01',
      phone: '13812345678',
      house_id: 5,
      relation: '01',
      since: null,
      current_address: null,
    })
    expect(body).not.toHaveProperty('org_unit_id')
  })

  it('sends the unit instead of a house, and neither on edit', () => {
    const s = { ...emptyResidentForm(), place: 'unit' as const, org_unit_id: 132, house_id: 9 }
    const created = residentFormBody(s, true)
    expect(created.org_unit_id).toBe(132)
    expect(created).not.toHaveProperty('house_id')
    const edited = residentFormBody(s, false)
    expect(edited).not.toHaveProperty('org_unit_id')
    expect(edited).not.toHaveProperty('house_id')
  })

  it('sends the typed gender and birth date for other documents', () => {
    const s = { ...emptyResidentForm(), id_type: 'passport', id_number: 'e1234567', gender: 'female', birth_date: '1990-02-03', nationality: 'usa' }
    const body = residentFormBody(s, false)
    expect(body).toMatchObject({ id_number: 'E1234567', gender: 'female', birth_date: '1990-02-03', nationality: 'USA' })
  })
})

describe('idNumberError', () => {
  const t = (key: string, named?: Record<string, unknown>) =>
    named && Object.keys(named).length ? `${key}${JSON.stringify(named)}` : key
  const today = new Date(2026, 10, 25)
  it('names the reason in the idNumber messages', () => {
    expect(idNumberError(t, 'id_card', '34052419800101001X', today)).toBeNull()
    expect(idNumberError(t, 'id_card', '340524198001010011', today)).toBe('idNumber.checkDigit{"expected":"X"}')
    expect(idNumberError(t, 'id_card', '3405241980', today)).toBe('idNumber.length')
    expect(idNumberError(t, 'id_card', '', today)).toBeNull()
  })
  it('checks other documents only for 5–30 letters or digits', () => {
    expect(idNumberError(t, 'passport', 'E1234567', today)).toBeNull()
    expect(idNumberError(t, 'passport', 'E12', today)).toBe('resident.otherIdFormat')
    expect(idNumberError(t, 'hk_macao', 'H-123456', today)).toBe('resident.otherIdFormat')
  })
})
