// Org unit codes, mirroring the server's rule: district, subdistrict and community codes are the
// 12-digit statistical division code, a grid's is its community's code plus a 2-digit sequence;
// a child's code starts with its parent's first 6 (subdistrict), 9 (community) or 12 (grid) digits.
import type { OrgLevel } from '@/api/types'

export const ORG_CODE_RULES: Record<OrgLevel, { length: number; prefix: number }> = {
  district: { length: 12, prefix: 6 },
  subdistrict: { length: 12, prefix: 6 },
  community: { length: 12, prefix: 9 },
  grid: { length: 14, prefix: 12 },
}

export type OrgCodeIssue =
  | { kind: 'format'; length: number }
  | { kind: 'prefix'; prefix: string }

export function checkOrgCode(level: OrgLevel, code: string, parentCode?: string | null): OrgCodeIssue | null {
  const rule = ORG_CODE_RULES[level]
  if (!/^\d+$/.test(code) || code.length !== rule.length) return { kind: 'format', length: rule.length }
  if (parentCode) {
    const prefix = parentCode.slice(0, rule.prefix)
    if (!code.startsWith(prefix)) return { kind: 'prefix', prefix }
  }
  return null
}

/** What a new child's code starts with, to fill in for the user. */
export function codeStem(level: OrgLevel, parentCode?: string | null): string {
  return parentCode ? parentCode.slice(0, ORG_CODE_RULES[level].prefix) : ''
}
