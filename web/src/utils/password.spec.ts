import { describe, expect, it } from 'vitest'
import { charClass, checkPassword } from './password'

describe('checkPassword', () => {
  it('accepts the demo password', () => {
    const r = checkPassword('Zongguan@2026', 'admin')
    expect(r.ok).toBe(true)
    expect(r.classes).toEqual(['upper', 'lower', 'digit', 'symbol'])
    expect(r.issues).toEqual([])
  })

  it('needs at least 8 characters', () => {
    expect(checkPassword('Ab1!xyz').issues).toEqual(['too_short'])
    expect(checkPassword('Ab1!xyzw').ok).toBe(true)
  })

  it('counts characters, not UTF-16 units or bytes', () => {
    // 4 Chinese characters + "Ab1" = 7 characters: too short although it is 15 bytes in UTF-8.
    expect(checkPassword('综合管理Ab1').issues).toContain('too_short')
    // Astral characters count once each.
    expect(checkPassword('😀😀😀😀Ab1').length).toBe(7)
  })

  it('needs 3 of the 4 classes', () => {
    expect(checkPassword('abcdefgh12').issues).toEqual(['too_few_classes'])
    expect(checkPassword('ABCDEFGH!!').issues).toEqual(['too_few_classes'])
    expect(checkPassword('abcdefgh1!').ok).toBe(true) // lower, digit, symbol
    expect(checkPassword('ABCDEFGh12').ok).toBe(true) // upper, lower, digit
    expect(checkPassword('ABCDEFG1!!').ok).toBe(true) // upper, digit, symbol
  })

  it('treats non-ASCII letters and spaces-free punctuation as symbols', () => {
    expect(charClass('综')).toBe('symbol')
    expect(charClass('@')).toBe('symbol')
    expect(charClass('Z')).toBe('upper')
    expect(charClass('z')).toBe('lower')
    expect(charClass('0')).toBe('digit')
    expect(checkPassword('abcd1234综').ok).toBe(true)
  })

  it('does not count whitespace as a class', () => {
    expect(checkPassword('abcd 1234').issues).toEqual(['too_few_classes'])
  })

  it('rejects a password containing the username, ignoring case', () => {
    expect(checkPassword('Admin@2026', 'admin').issues).toEqual(['contains_username'])
    expect(checkPassword('x-ZHANGSAN-1a', 'zhangsan').issues).toEqual(['contains_username'])
    expect(checkPassword('Zongguan@2026', 'zhangsan').ok).toBe(true)
  })

  it('ignores an empty username', () => {
    expect(checkPassword('Zongguan@2026', '').ok).toBe(true)
    expect(checkPassword('Zongguan@2026', '   ').ok).toBe(true)
  })

  it('reports every failing rule', () => {
    expect(checkPassword('admin', 'admin').issues).toEqual(['too_short', 'too_few_classes', 'contains_username'])
    expect(checkPassword('').issues).toEqual(['too_short', 'too_few_classes'])
  })
})
