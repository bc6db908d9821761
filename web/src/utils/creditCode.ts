// GB 32100 统一社会信用代码 (18 characters, the last a check character), checked in the browser with
// the server's rule (crates/zongguan-core/src/registry.rs `credit_code`); the server decides.

/** The 31 characters of the code: digits and capitals without I, O, S, V, Z. */
export const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const

/** The check character of the first 17 characters; null when they are not 17 of the alphabet. */
export function creditCheckChar(body: string): string | null {
  const s = body.toUpperCase()
  if (s.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_ALPHABET.indexOf(s[i]!)
    if (v < 0) return null
    sum += v * WEIGHTS[i]!
  }
  return CREDIT_ALPHABET[(31 - (sum % 31)) % 31]!
}

/** Trimmed and upper-cased, as the server stores it. */
export const normalizeCreditCode = (raw: string) => raw.trim().toUpperCase()

/** True for a code of 18 characters of the alphabet whose last one is the right check character. */
export function isValidCreditCode(raw: string): boolean {
  const s = normalizeCreditCode(raw)
  if ([...s].length !== 18) return false
  const expected = creditCheckChar(s.slice(0, 17))
  return expected !== null && s[17] === expected
}
