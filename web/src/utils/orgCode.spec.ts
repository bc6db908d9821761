import { describe, expect, it } from 'vitest'
import { checkOrgCode, codeStem } from './orgCode'

describe('checkOrgCode (mirrors the server)', () => {
  it('wants 12 digits for district, subdistrict and community, 14 for a grid', () => {
    expect(checkOrgCode('district', '440307000000')).toBeNull()
    expect(checkOrgCode('district', '440307')).toEqual({ kind: 'format', length: 12 })
    expect(checkOrgCode('community', '44030700300a')).toEqual({ kind: 'format', length: 12 })
    expect(checkOrgCode('grid', '44030700300101', '440307003001')).toBeNull()
    expect(checkOrgCode('grid', '440307003001', '440307003001')).toEqual({ kind: 'format', length: 14 })
  })

  it('wants the parent prefix of 6, 9 and 12 digits', () => {
    expect(checkOrgCode('subdistrict', '440307003000', '440307000000')).toBeNull()
    expect(checkOrgCode('subdistrict', '440308003000', '440307000000')).toEqual({ kind: 'prefix', prefix: '440307' })
    expect(checkOrgCode('community', '440307003002', '440307003000')).toBeNull()
    expect(checkOrgCode('community', '440307004002', '440307003000')).toEqual({ kind: 'prefix', prefix: '440307003' })
    expect(checkOrgCode('grid', '44030700300201', '440307003001')).toEqual({ kind: 'prefix', prefix: '440307003001' })
  })

  it('fills in the stem of a new child', () => {
    expect(codeStem('subdistrict', '440307000000')).toBe('440307')
    expect(codeStem('community', '440307003000')).toBe('440307003')
    expect(codeStem('grid', '440307003001')).toBe('440307003001')
    expect(codeStem('district', null)).toBe('')
  })
})
