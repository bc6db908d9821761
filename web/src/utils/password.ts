// The password policy, mirrored from the server so a user sees what is missing while typing;
// the server checks again and has the final word.

export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MIN_CLASSES = 3

export type CharClass = 'upper' | 'lower' | 'digit' | 'symbol'

export type PasswordIssue = 'too_short' | 'too_few_classes' | 'contains_username'

export interface PasswordCheck {
  ok: boolean
  length: number
  classes: CharClass[]
  issues: PasswordIssue[]
}

/** The character class of one character; anything not a letter A–Z/a–z or digit is a symbol. */
export function charClass(ch: string): CharClass {
  if (ch >= 'A' && ch <= 'Z') return 'upper'
  if (ch >= 'a' && ch <= 'z') return 'lower'
  if (ch >= '0' && ch <= '9') return 'digit'
  return 'symbol'
}

/**
 * At least 8 characters, from at least 3 of the 4 classes (upper, lower, digit, symbol), and
 * not containing the username (case-insensitive). Length counts characters, not bytes.
 */
export function checkPassword(password: string, username = ''): PasswordCheck {
  const chars = Array.from(password)
  const seen = new Set<CharClass>()
  for (const ch of chars) {
    if (ch.trim() === '') continue
    seen.add(charClass(ch))
  }
  const classes = (['upper', 'lower', 'digit', 'symbol'] as const).filter((c) => seen.has(c))
  const issues: PasswordIssue[] = []
  if (chars.length < PASSWORD_MIN_LENGTH) issues.push('too_short')
  if (classes.length < PASSWORD_MIN_CLASSES) issues.push('too_few_classes')
  const user = username.trim().toLowerCase()
  if (user && password.toLowerCase().includes(user)) issues.push('contains_username')
  return { ok: issues.length === 0, length: chars.length, classes, issues }
}
