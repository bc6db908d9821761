import { describe, expect, it } from 'vitest'
import { checkChar, checkIdNumber } from './idNumber'

const today = new Date(2026, 10, 25)

describe('checkChar (GB 11643 MOD 11-2)', () => {
  it('gives the check characters of the standard’s examples', () => {
    expect(checkChar('34052419800101001')).toBe('X')
    expect(checkChar('37010119010203997')).toBe('3')
    expect(checkChar('11010519491231002')).toBe('X')
    expect(checkChar('44052418800101001')).toBe('4')
  })

  it('needs exactly 17 digits', () => {
    expect(checkChar('3405241980010100')).toBeNull()
    expect(checkChar('3405241980010100A')).toBeNull()
  })
})

describe('checkIdNumber', () => {
  it('accepts a valid number, lower-case x and spaces included, and reads birth date and gender', () => {
    const r = checkIdNumber(' 34052419800101001x ', today)
    expect(r).toEqual({ ok: true, info: { value: '34052419800101001X', birthDate: '1980-01-01', gender: 'male' } })
    const w = checkIdNumber('370101190102039973', today)
    expect(w.ok).toBe(true)
    if (w.ok) expect(w.info).toEqual({ value: '370101190102039973', birthDate: '1901-02-03', gender: 'male' })
    const f = checkIdNumber(`44030719900101124${checkChar('44030719900101124')}`, today)
    expect(f.ok && f.info.gender).toBe('female')
  })

  it('rejects a wrong check digit and says which one is right', () => {
    expect(checkIdNumber('340524198001010011', today)).toEqual({ ok: false, issue: { code: 'checkDigit', expected: 'X' } })
    expect(checkIdNumber('370101190102039970', today)).toEqual({ ok: false, issue: { code: 'checkDigit', expected: '3' } })
  })

  it('rejects an impossible birth date such as 19900230', () => {
    const body = '44030719900230001'
    expect(checkIdNumber(body + checkChar(body), today)).toEqual({ ok: false, issue: { code: 'birthDate', date: '19900230' } })
    const month = '44030719901301001'
    expect(checkIdNumber(month + checkChar(month), today)).toEqual({ ok: false, issue: { code: 'birthDate', date: '19901301' } })
    const leap = '44030720000229002'
    expect(checkIdNumber(leap + checkChar(leap), today).ok).toBe(true)
    const notLeap = '44030719000229002'
    expect(checkIdNumber(notLeap + checkChar(notLeap), today).ok).toBe(false)
  })

  it('rejects birth dates in the future or before 1900', () => {
    const future = '44030720991231001'
    expect(checkIdNumber(future + checkChar(future), today)).toEqual({ ok: false, issue: { code: 'birthRange' } })
    const ancient = '44030718991231001'
    expect(checkIdNumber(ancient + checkChar(ancient), today)).toEqual({ ok: false, issue: { code: 'birthRange' } })
    const tomorrow = '44030720261126001'
    expect(checkIdNumber(tomorrow + checkChar(tomorrow), today).ok).toBe(false)
    const born = '44030720261125001'
    expect(checkIdNumber(born + checkChar(born), today).ok).toBe(true)
  })

  it('rejects a wrong length, wrong characters and an unknown province', () => {
    expect(checkIdNumber('34052419800101001', today)).toEqual({ ok: false, issue: { code: 'length' } })
    expect(checkIdNumber('34052419800101001X1', today)).toEqual({ ok: false, issue: { code: 'length' } })
    expect(checkIdNumber('', today)).toEqual({ ok: false, issue: { code: 'length' } })
    expect(checkIdNumber('3405241980010100XX', today)).toEqual({ ok: false, issue: { code: 'characters' } })
    expect(checkIdNumber('420106********6658', today)).toEqual({ ok: false, issue: { code: 'characters' } })
    const body = '99052419800101001'
    expect(checkIdNumber(body + checkChar(body), today)).toEqual({ ok: false, issue: { code: 'province', province: '99' } })
  })
})
