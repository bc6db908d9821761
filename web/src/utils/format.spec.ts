import { describe, expect, it } from 'vitest'
import { formatDateTime, itemsOf } from './format'

describe('formatDateTime', () => {
  it('shows an RFC 3339 time in the local zone, seconds included', () => {
    const iso = '2026-03-01T08:05:09Z'
    const d = new Date(iso)
    const pad = (n: number) => String(n).padStart(2, '0')
    const want = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
    expect(formatDateTime(iso)).toBe(want)
    expect(formatDateTime(iso)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:09$/)
  })

  it('is empty for no value and leaves an unreadable one as it is', () => {
    expect(formatDateTime(null)).toBe('')
    expect(formatDateTime(undefined)).toBe('')
    expect(formatDateTime('')).toBe('')
    expect(formatDateTime('soon')).toBe('soon')
  })
})

describe('itemsOf', () => {
  it('accepts a list wrapper or a bare array', () => {
    expect(itemsOf({ items: [1, 2] })).toEqual([1, 2])
    expect(itemsOf([3])).toEqual([3])
    expect(itemsOf(null)).toEqual([])
  })
})
