import { describe, expect, it } from 'vitest'
import { CREDIT_ALPHABET, creditCheckChar, isValidCreditCode, normalizeCreditCode } from './creditCode'

describe('GB 32100 credit codes', () => {
  it('accepts the published example and rejects a wrong check character', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true)
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false)
    expect(creditCheckChar('91350100M000100Y4')).toBe('3')
  })

  it('reads lower case and surrounding spaces as the server does', () => {
    expect(isValidCreditCode(' 91350100m000100y43 ')).toBe(true)
    expect(normalizeCreditCode(' 91350100m000100y43 ')).toBe('91350100M000100Y43')
  })

  it('rejects wrong lengths and letters outside the alphabet', () => {
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false)
    expect(isValidCreditCode('91350100M000100Y433')).toBe(false)
    expect(isValidCreditCode('')).toBe(false)
    // I, O, S, V and Z are not used.
    expect(isValidCreditCode('91350100M000100YI3')).toBe(false)
    expect(isValidCreditCode('91350100M000100O43')).toBe(false)
    expect(creditCheckChar('91350100M00010OY4')).toBeNull()
    expect(CREDIT_ALPHABET).toHaveLength(31)
  })

  it('accepts a code whose check value is 0 and one that ends in a letter', () => {
    // Find bodies whose check characters are '0' and a letter, so both ends of (31 − Σ mod 31) mod 31 are covered.
    const bodies = Array.from({ length: 31 }, (_, i) => `9144030000000000${CREDIT_ALPHABET[i]}`)
    const checks = bodies.map((b) => creditCheckChar(b)!)
    expect(new Set(checks).size).toBe(31)
    for (const [i, b] of bodies.entries()) {
      expect(isValidCreditCode(b + checks[i])).toBe(true)
      const wrong = CREDIT_ALPHABET[(CREDIT_ALPHABET.indexOf(checks[i]!) + 1) % 31]
      expect(isValidCreditCode(b + wrong)).toBe(false)
    }
    expect(checks).toContain('0')
    expect(checks).toContain('Y')
  })
})
