// Pure logic of 治理参数: counts stored with their unit (`{working_days: 15}`), the server's field
// errors found by the value's path, the class rules' facts and thresholds, the visit schedule's
// groups switched on and off.
import type { ClassRule, RuleCondition, VisitIntervals } from '@/api/types'

/** A count with its unit as the server stores it: one key, e.g. `{working_days: 15}`. */
export type Counted = Record<string, number>

export function unitOf(v: Counted, fallback: string): string {
  return Object.keys(v)[0] ?? fallback
}

export function countOf(v: Counted): number | undefined {
  const unit = Object.keys(v)[0]
  return unit === undefined ? undefined : v[unit]
}

/** The error of a value or of anything inside it: `limits.mediate` also shows the error of
 * `limits.mediate.working_days`. */
export function errorAt(errors: Readonly<Record<string, string>>, path: string): string | undefined {
  if (errors[path]) return errors[path]
  const inside = Object.keys(errors).find((k) => k.startsWith(`${path}.`) || k.startsWith(`${path}[`))
  return inside === undefined ? undefined : errors[inside]
}

export type Fact = RuleCondition['fact']
export type RuleClass = ClassRule['class']

export const FACTS: readonly Fact[] = [
  'building',
  'owner_compliance',
  'major_hazards',
  'hazards',
  'sanitation',
  'crowding',
  'special_group_tenants',
  'recent_cases',
]

/** Green is the class when no rule matches, so a rule calls for yellow or above. */
export const RULE_CLASSES: readonly RuleClass[] = ['yellow', 'orange', 'red']

/** The thresholds that do not hold for every house ("this bad or worse"). */
export const BUILDING_GRADES = ['b', 'c', 'd'] as const
export const COMPLIANCE_LEVELS = ['partial', 'non_compliant'] as const
export const SANITATION_LEVELS = ['fair', 'poor'] as const

export type ThresholdKind = 'building' | 'compliance' | 'sanitation' | 'area' | 'count'

export function thresholdKind(fact: Fact): ThresholdKind {
  switch (fact) {
    case 'building':
      return 'building'
    case 'owner_compliance':
      return 'compliance'
    case 'sanitation':
      return 'sanitation'
    case 'crowding':
      return 'area'
    default:
      return 'count'
  }
}

/** A rule of this fact with a threshold that makes sense, of the class given. */
export function ruleOf(fact: Fact, cls: RuleClass = 'yellow'): ClassRule {
  switch (fact) {
    case 'building':
      return { fact, at_least: 'c', class: cls }
    case 'owner_compliance':
      return { fact, at_least: 'partial', class: cls }
    case 'sanitation':
      return { fact, at_least: 'poor', class: cls }
    case 'crowding':
      return { fact, below_m2: 5, class: cls }
    default:
      return { fact, at_least: 1, class: cls }
  }
}

export function thresholdOf(rule: ClassRule): string | number {
  return 'below_m2' in rule ? rule.below_m2 : rule.at_least
}

/** The same rule with another threshold (a code for graded facts, a number otherwise); an
 * emptied number is sent as 0 for the server to refuse by name. */
export function withThreshold(rule: ClassRule, value: string | number | null | undefined): ClassRule {
  if ('below_m2' in rule) return { ...rule, below_m2: Number(value ?? 0) }
  return { ...rule, at_least: value ?? 0 } as ClassRule
}

/** The visits a group gets when it is first given a schedule (quarterly, monthly, fortnightly). */
export const DEFAULT_INTERVALS: Readonly<VisitIntervals> = { general: 90, medium: 30, serious: 14 }

/** Gives a group a schedule (the defaults) or takes it away (no visits owed). */
export function toggleGroup(groups: Record<string, VisitIntervals>, code: string, on: boolean): Record<string, VisitIntervals> {
  const next = { ...groups }
  if (on) next[code] = next[code] ?? { ...DEFAULT_INTERVALS }
  else delete next[code]
  return next
}
