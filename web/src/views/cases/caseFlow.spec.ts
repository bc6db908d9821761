import { describe, expect, it } from 'vitest'
import {
  actionBody,
  actionFields,
  emptyActionForm,
  isForward,
  parseLimit,
  missingFields,
  needsDialog,
  orderedActions,
  timeLeft,
  urgencyType,
} from './caseFlow'

describe('urgencyType', () => {
  it('colours normal green, yellow yellow and red (overdue) red', () => {
    expect(urgencyType('normal')).toBe('success')
    expect(urgencyType('yellow')).toBe('warning')
    expect(urgencyType('red')).toBe('danger')
    expect(urgencyType(undefined)).toBe('success')
  })
})

describe('timeLeft', () => {
  const now = Date.parse('2026-11-26T02:00:00Z')
  it('counts down to the deadline in days, hours and minutes', () => {
    expect(timeLeft('2026-11-27T05:30:59Z', now)).toEqual({ overdue: false, days: 1, hours: 3, minutes: 30 })
  })
  it('counts up past it', () => {
    expect(timeLeft('2026-11-26T01:15:00Z', now)).toEqual({ overdue: true, days: 0, hours: 0, minutes: 45 })
  })
  it('has nothing without a deadline', () => {
    expect(timeLeft(null, now)).toBeNull()
    expect(timeLeft('not a time', now)).toBeNull()
  })
})

describe('actions', () => {
  it('asks for input only where the action needs it', () => {
    expect(actionFields('dispatch')).toEqual(['department', 'assisting', 'note'])
    expect(actionFields('extend')).toEqual(['reason', 'days'])
    expect(actionFields('feedback')).toEqual(['note', 'photos'])
    expect(actionFields('verify')).toEqual(['passed', 'note'])
    expect(actionFields('supervise')).toEqual(['note', 'days'])
    for (const a of ['return', 'reject', 'pause']) expect(actionFields(a)).toEqual(['reason'])
    for (const a of ['accept', 'start', 'close', 'resume', 'escalate']) expect(needsDialog(a)).toBe(false)
  })

  it('orders the buttons forward first and drops unknown codes', () => {
    expect(orderedActions(['merge', 'escalate', 'reject', 'accept', 'teleport'])).toEqual([
      'accept',
      'reject',
      'escalate',
      'merge',
    ])
    expect(isForward('verify')).toBe(true)
    expect(isForward('return')).toBe(false)
  })

  it('names what is missing before sending', () => {
    const f = emptyActionForm()
    expect(missingFields('return', f)).toEqual(['reason'])
    expect(missingFields('extend', { ...f, reason: '材料未到', days: 0 })).toEqual(['days'])
    expect(missingFields('verify', f)).toEqual(['passed'])
    expect(missingFields('verify', { ...f, passed: false })).toEqual([])
    expect(missingFields('feedback', { ...f, note: '  ' })).toEqual(['note'])
    expect(missingFields('dispatch', f)).toEqual([])
  })

  it('sends only the fields the action reads', () => {
    const f = {
      ...emptyActionForm({ department_code: '440307003-01' }),
      assisting_department_codes: ['440307003-01', '440307-05', '440307-05'],
      note: ' 请尽快处置 ',
      reason: 'unused',
      days: 3,
      passed: true,
    }
    expect(actionBody('dispatch', 2, f)).toEqual({
      action: 'dispatch',
      version: 2,
      department_code: '440307003-01',
      assisting_department_codes: ['440307-05'],
      note: '请尽快处置',
    })
    expect(actionBody('verify', 6, { ...f, note: '' })).toEqual({ action: 'verify', version: 6, passed: true, note: null })
    expect(actionBody('extend', 4, { ...f, days: 2.7, reason: ' 雨天 ' })).toEqual({
      action: 'extend',
      version: 4,
      reason: '雨天',
      days: 2,
    })
    expect(actionBody('accept', 1, f)).toEqual({ action: 'accept', version: 1 })
  })
})

describe('parseLimit', () => {
  it('reads natural hours and working days', () => {
    expect(parseLimit('4h')).toEqual({ n: 4, unit: 'h' })
    expect(parseLimit('10wd')).toEqual({ n: 10, unit: 'wd' })
    expect(parseLimit('soon')).toBeNull()
  })
})
