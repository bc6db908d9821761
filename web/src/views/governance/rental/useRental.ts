// 出租屋管理: the filtered, paged list; the inspection form's state and the body it sends.
import { rentalApi, rentalQuery, type RentalFilters } from '@/api/governance'
import type { ChecklistItem, InspectionForm, PageQuery } from '@/api/types'
import { paging, usePagedList } from '@/composables/usePagedList'

export const emptyRentalFilters = (): RentalFilters => ({ org_unit_id: null, risk_class: '', due_status: '', q: '' })

export function useRental() {
  return usePagedList((f: RentalFilters & PageQuery) => rentalApi.list({ ...rentalQuery(f), ...paging(f) }), emptyRentalFilters)
}

export type Answer = 'pass' | 'fail' | 'na'

export interface InspectionState {
  answers: Record<string, Answer>
  sanitation: 'good' | 'fair' | 'poor'
  findings: string
  rectification: string
  rectify_by: string
  owner_signature: string
}

/** Every item passes by default: an all-clear visit is one tap on 提交. */
export function emptyInspection(items: ChecklistItem[]): InspectionState {
  return {
    answers: Object.fromEntries(items.map((i) => [i.code, 'pass' as Answer])),
    sanitation: 'good',
    findings: '',
    rectification: '',
    rectify_by: '',
    owner_signature: '',
  }
}

export const hasFailure = (s: InspectionState) => Object.values(s.answers).some((a) => a === 'fail')

/** The body of POST …/inspections: only the answers that are not 合格. */
export function inspectionBody(s: InspectionState): InspectionForm {
  const answers = Object.fromEntries(Object.entries(s.answers).filter(([, a]) => a !== 'pass'))
  const opt = (v: string) => (v.trim() ? v.trim() : null)
  return {
    answers,
    sanitation: s.sanitation,
    findings: opt(s.findings),
    rectification: opt(s.rectification),
    rectify_by: hasFailure(s) ? opt(s.rectify_by) : null,
    owner_signature: opt(s.owner_signature),
  }
}
