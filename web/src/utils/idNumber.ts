// GB 11643 citizen identity numbers, checked in the browser for comfort with the same rules and
// the same reasons as the server (crates/zongguan-core/src/id_number.rs); the server decides.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
const CHECK = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'] as const

/** Province-level codes of GB/T 2260 (the first two digits of any address code). */
export const PROVINCES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43',
  '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
])

/** The MOD 11-2 check character of the first 17 digits; null when they are not 17 digits. */
export function checkChar(body: string): string | null {
  if (!/^\d{17}$/.test(body)) return null
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * WEIGHTS[i]!
  return CHECK[sum % 11]!
}

/** Why a number is not valid; the i18n key is `idNumber.<code>`. */
export type IdNumberIssue =
  | { code: 'length' }
  | { code: 'characters' }
  | { code: 'province'; province: string }
  | { code: 'birthDate'; date: string }
  | { code: 'birthRange' }
  | { code: 'checkDigit'; expected: string }

export interface IdNumberInfo {
  /** Upper-case, trimmed. */
  value: string
  /** YYYY-MM-DD */
  birthDate: string
  /** The 17th digit: odd for men, even for women. */
  gender: 'male' | 'female'
}

export type IdNumberResult = { ok: true; info: IdNumberInfo } | { ok: false; issue: IdNumberIssue }

const pad = (n: number) => String(n).padStart(2, '0')
const isoDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** Checks a number as the server does: length, characters, province, birth date, check digit. */
export function checkIdNumber(raw: string, today: Date = new Date()): IdNumberResult {
  const s = raw.trim().toUpperCase()
  if ([...s].length !== 18) return { ok: false, issue: { code: 'length' } }
  const body = s.slice(0, 17)
  const last = s.slice(17)
  if (!/^\d{17}$/.test(body) || !/^[\dX]$/.test(last)) return { ok: false, issue: { code: 'characters' } }
  const province = body.slice(0, 2)
  if (!PROVINCES.has(province)) return { ok: false, issue: { code: 'province', province } }
  const digits = body.slice(6, 14)
  const y = Number(digits.slice(0, 4))
  const m = Number(digits.slice(4, 6))
  const d = Number(digits.slice(6, 8))
  const birth = new Date(2000, 0, 1)
  birth.setFullYear(y, m - 1, d) // (the Date constructor would read years below 100 as 19xx)
  // Date rolls 19900230 over to 2 March: a real date reads back the same.
  if (m < 1 || m > 12 || d < 1 || birth.getFullYear() !== y || birth.getMonth() !== m - 1 || birth.getDate() !== d) {
    return { ok: false, issue: { code: 'birthDate', date: digits } }
  }
  const birthDate = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`
  if (y < 1900 || birthDate > isoDate(today)) return { ok: false, issue: { code: 'birthRange' } }
  const expected = checkChar(body)!
  if (last !== expected) return { ok: false, issue: { code: 'checkDigit', expected } }
  return { ok: true, info: { value: s, birthDate, gender: Number(body[16]) % 2 === 1 ? 'male' : 'female' } }
}
