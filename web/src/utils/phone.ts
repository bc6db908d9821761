// Phone numbers as the server accepts them: an 11-digit mobile number 13x–19x, or a landline of
// 7–20 digits and hyphens that does not start with 1. Spaces are ignored.

export function normalizePhone(value: string): string {
  return value.trim().replace(/ /g, '')
}

export function isValidPhone(value: string): boolean {
  const p = normalizePhone(value)
  const mobile = /^1[3-9]\d{9}$/.test(p)
  const landline = p.length >= 7 && p.length <= 20 && /^[\d-]+$/.test(p) && !p.startsWith('1')
  return mobile || landline
}
