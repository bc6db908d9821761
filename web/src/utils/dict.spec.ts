import { describe, expect, it } from 'vitest'
import { dictEntries, dictName, dictNames } from './dict'
import type { Dicts } from '@/api/types'

const dicts: Dicts = {
  genders: [
    { code: 'male', name: '男' },
    { code: 'female', name: '女' },
  ],
  registration_types: [
    { code: 'registered', name: '户籍人口' },
    { code: 'migrant', name: '流动人口' },
  ],
  special_groups: [
    { code: 'released_prisoner', name: '刑满释放人员' },
    { code: 'drug_user', name: '吸毒人员' },
  ],
  ethnicities: [{ code: '01', name: '汉族' }],
}

describe('dict lookups', () => {
  it('names a code by its table', () => {
    expect(dictName(dicts, 'genders', 'female')).toBe('女')
    expect(dictName(dicts, 'registration_types', 'migrant')).toBe('流动人口')
    expect(dictName(dicts, 'ethnicities', '01')).toBe('汉族')
  })

  it('shows an unknown code as sent and no value as empty', () => {
    expect(dictName(dicts, 'genders', 'x')).toBe('x')
    expect(dictName(dicts, 'no_such_table', 'male')).toBe('male')
    expect(dictName(null, 'genders', 'male')).toBe('male')
    expect(dictName(dicts, 'genders', '')).toBe('')
    expect(dictName(dicts, 'genders', null)).toBe('')
    expect(dictName(dicts, 'genders', undefined)).toBe('')
  })

  it('names a list of codes in order', () => {
    expect(dictNames(dicts, 'special_groups', ['drug_user', 'released_prisoner', 'new_kind', ''])).toEqual([
      '吸毒人员',
      '刑满释放人员',
      'new_kind',
    ])
    expect(dictNames(dicts, 'special_groups', null)).toEqual([])
  })

  it('gives a table’s entries, or none', () => {
    expect(dictEntries(dicts, 'genders').map((e) => e.code)).toEqual(['male', 'female'])
    expect(dictEntries(dicts, 'relations')).toEqual([])
    expect(dictEntries(undefined, 'genders')).toEqual([])
  })
})
