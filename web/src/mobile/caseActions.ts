// Which of a case's allowed actions the phone offers: those whose inputs are text, a number of
// days or a yes/no (the desktop's rules in views/cases/caseFlow.ts decide the inputs); choosing
// departments or a case to merge into is left to the desktop.
import type { CaseAction } from '@/api/types'
import { actionFields, orderedActions, type ActionField } from '@/views/cases/caseFlow'

const PHONE_FIELDS: ReadonlySet<ActionField> = new Set(['reason', 'note', 'passed', 'days'])

export function phoneActions(allowed: readonly string[]): { phone: CaseAction[]; desktop: CaseAction[] } {
  const ordered = orderedActions(allowed)
  const onPhone = (a: CaseAction) => actionFields(a).every((f) => PHONE_FIELDS.has(f))
  return { phone: ordered.filter(onPhone), desktop: ordered.filter((a) => !onPhone(a)) }
}
