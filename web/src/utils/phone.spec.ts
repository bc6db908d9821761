import { describe, expect, it } from 'vitest'
import { isValidPhone, normalizePhone } from './phone'

describe('phone numbers (mirror the server)', () => {
  it('accepts mobiles 13x–19x and landlines', () => {
    for (const ok of ['13800138000', '19912345678', '0755-28888888', '075528888888', '28888888', '138 0013 8000']) {
      expect(isValidPhone(ok), ok).toBe(true)
    }
  })

  it('refuses the rest', () => {
    for (const bad of ['12800138000', '1380013800', '138001380001', '123456', '0755 2888 888a', '110-1234567', '']) {
      expect(isValidPhone(bad), bad).toBe(false)
    }
  })

  it('drops spaces the way the server does', () => {
    expect(normalizePhone(' 138 0013 8000 ')).toBe('13800138000')
  })
})
