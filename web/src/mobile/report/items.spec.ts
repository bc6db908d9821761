import { describe, expect, it } from 'vitest'
import { choicesOf, noSuggestRoute, recentItems } from './items'

describe('choicesOf', () => {
  it('reads a list or {items}, with either field names, without repeats', () => {
    expect(choicesOf([{ code: 'a', name: 'A' }, { item_code: 'b', item_name: 'B' }, { code: 'a', name: 'A' }])).toEqual([
      { code: 'a', name: 'A' },
      { code: 'b', name: 'B' },
    ])
    expect(choicesOf({ items: [{ code: 'c', name: 'C', score: 0.9 }] })).toEqual([{ code: 'c', name: 'C' }])
  })
  it('gives nothing for an answer of another shape, and at most 5', () => {
    expect(choicesOf(null)).toEqual([])
    expect(choicesOf({ total: 3 })).toEqual([])
    expect(choicesOf(Array.from({ length: 9 }, (_, i) => ({ code: `${i}`, name: `${i}` })))).toHaveLength(5)
  })
})

describe('recentItems', () => {
  it('keeps the latest first, once each, enabled only', () => {
    const cases = [
      { item_code: 'x', item_name: 'X' },
      { item_code: 'y', item_name: 'Y' },
      { item_code: 'x', item_name: 'X' },
      { item_code: 'off', item_name: 'Off' },
    ]
    expect(recentItems(cases, new Set(['x', 'y']))).toEqual([
      { code: 'x', name: 'X' },
      { code: 'y', name: 'Y' },
    ])
  })
})

describe('noSuggestRoute', () => {
  it('takes 404 and 405 for a missing route, anything else for a failure', () => {
    expect([404, 405].map(noSuggestRoute)).toEqual([true, true])
    expect([400, 422, 500].map(noSuggestRoute)).toEqual([false, false, false])
  })
})
