import { describe, expect, it } from 'vitest'
import { clockClass, clockText, petitionQuery, type Petition } from './petitions'
import { emptyPetition, petitionBody } from '@/views/governance/petitions/usePetitions'

const t = (k: string, v?: Record<string, unknown>) => (v ? `${k}:${JSON.stringify(v)}` : k)
const p = (over: Partial<Petition>): Petition => ({ term: 'handling', days_left: 3, due_status: 'due', ...over }) as Petition

describe('petition clocks', () => {
  it('says days left, due today and days overdue on a duty', () => {
    expect(clockText(p({ days_left: 3 }), t)).toBe('petition.daysLeft:{"n":3}')
    expect(clockText(p({ days_left: 0 }), t)).toBe('petition.dueToday')
    expect(clockText(p({ days_left: -4, due_status: 'overdue' }), t)).toBe('petition.overdueDays:{"n":4}')
    expect(clockClass(p({ due_status: 'overdue' }))).toBe('late')
    expect(clockClass(p({ due_status: 'due' }))).toBe('soon')
    expect(clockClass(p({ due_status: 'not_due' }))).toBe('')
  })

  it('a request window past its day has lapsed, it is not overdue', () => {
    expect(clockText(p({ term: 'review_request', days_left: -2, due_status: null }), t)).toBe('petition.windowLapsed')
    expect(clockClass(p({ term: 'review_request', due_status: null }))).toBe('')
    expect(clockText(p({ term: null, days_left: null }), t)).toBe('-')
  })
})

describe('petition query and body', () => {
  it('leaves empty filters out', () => {
    expect(petitionQuery({ org_unit_id: null, state: '', due_status: 'overdue', category: '', q: ' XF ' })).toEqual({
      due_status: 'overdue',
      q: 'XF',
    })
  })

  it('sends a new matter as no repeat and trims the text', () => {
    const b = petitionBody({ ...emptyPetition(), resident_ids: [7], category: 'other', matter: ' 咨询 ', org_unit_id: 3 })
    expect(b.repeat_of_id).toBeNull()
    expect(b.matter).toBe('咨询')
    expect(b.place).toBeNull()
    expect(petitionBody({ ...emptyPetition(), repeat_of_id: 12 }).repeat_of_id).toBe(12)
  })
})
