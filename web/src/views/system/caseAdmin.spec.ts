import { describe, expect, it } from 'vitest'
import {
  addDate,
  conflicts,
  departmentOptions,
  formatLimit,
  inYear,
  isDate,
  limitLabel,
  outsideYear,
  parseLimit,
  sortDates,
} from './caseAdmin'
import type { CaseCategory, CaseItem } from '@/api/types'

const zh = (key: string, named?: Record<string, unknown>) =>
  key === 'case.limitHours' ? `${named?.n}小时` : key === 'case.limitWorkdays' ? `${named?.n}个工作日` : key

describe('limits', () => {
  it('parses hours and working days', () => {
    expect(parseLimit('24h')).toEqual({ n: 24, unit: 'h' })
    expect(parseLimit(' 5wd ')).toEqual({ n: 5, unit: 'wd' })
  })
  it('refuses anything else', () => {
    for (const s of ['', '0h', '05h', '1.5h', '-1h', '5d', 'wd', '5 wd', '5WD', null, undefined])
      expect(parseLimit(s), String(s)).toBeNull()
  })
  it('formats back, positive integers only', () => {
    expect(formatLimit({ n: 24, unit: 'h' })).toBe('24h')
    expect(formatLimit({ n: 5, unit: 'wd' })).toBe('5wd')
    expect(formatLimit({ n: 0, unit: 'h' })).toBeNull()
    expect(formatLimit({ n: 2.5, unit: 'wd' })).toBeNull()
    expect(formatLimit({ n: Number.NaN, unit: 'wd' })).toBeNull()
  })
  it('round-trips', () => {
    for (const s of ['1h', '72h', '3wd', '15wd']) expect(formatLimit(parseLimit(s)!)).toBe(s)
  })
  it('labels a limit in Chinese, an unknown one as sent', () => {
    expect(limitLabel('24h', zh)).toBe('24小时')
    expect(limitLabel('5wd', zh)).toBe('5个工作日')
    expect(limitLabel('soon', zh)).toBe('soon')
  })
})

describe('departmentOptions', () => {
  const item = (seq: string, name: string) => ({ department_seq: seq, department_name: name }) as CaseItem
  it('offers 01..15, named after the departments seen', () => {
    const cats = [{ code: '01', name: 'x', items: [item('03', '区城管局'), item('03', '别名')] }] as CaseCategory[]
    const opts = departmentOptions(cats)
    expect(opts).toHaveLength(15)
    expect(opts[0]).toEqual({ value: '01', label: '01' })
    expect(opts[2]).toEqual({ value: '03', label: '03 区城管局' })
    expect(opts[14]!.value).toBe('15')
  })
})

describe('calendar dates', () => {
  it('knows real dates and the year', () => {
    expect(isDate('2026-02-28')).toBe(true)
    expect(isDate('2026-02-29')).toBe(false)
    expect(isDate('2026-2-1')).toBe(false)
    expect(inYear('2026-10-01', 2026)).toBe(true)
    expect(inYear('2027-01-01', 2026)).toBe(false)
  })
  it('sorts and removes duplicates and invalid dates', () => {
    expect(sortDates(['2026-10-02', '2026-01-01', '2026-10-02', 'x', '2026-10-01'])).toEqual([
      '2026-01-01',
      '2026-10-01',
      '2026-10-02',
    ])
  })
  it('finds the days in both lists', () => {
    expect(conflicts(['2026-10-01', '2026-10-08', '2026-10-02'], ['2026-10-08', '2026-09-27'])).toEqual(['2026-10-08'])
    expect(conflicts(['2026-10-01'], [])).toEqual([])
  })
  it('adds a date in order, refusing bad ones', () => {
    expect(addDate(['2026-10-02'], [], '2026-10-01', 2026)).toEqual({ ok: true, dates: ['2026-10-01', '2026-10-02'] })
    expect(addDate([], [], '2027-01-01', 2026)).toEqual({ ok: false, reason: 'outside' })
    expect(addDate(['2026-10-01'], [], '2026-10-01', 2026)).toEqual({ ok: false, reason: 'duplicate' })
    expect(addDate([], ['2026-10-01'], '2026-10-01', 2026)).toEqual({ ok: false, reason: 'conflict' })
    expect(addDate([], [], '', 2026)).toEqual({ ok: false, reason: 'invalid' })
  })
  it('disables the days of other years in the picker', () => {
    const off = outsideYear(2026)
    expect(off(new Date(2026, 0, 1))).toBe(false)
    expect(off(new Date(2025, 11, 31))).toBe(true)
  })
})
