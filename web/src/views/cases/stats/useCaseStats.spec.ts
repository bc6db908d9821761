import { describe, expect, it } from 'vitest'
import { percent, topItems } from './useCaseStats'

describe('case stats', () => {
  it('shows rates only when something was due', () => {
    expect(percent(87.5, 8)).toBe('87.5%')
    expect(percent(100, 1)).toBe('100%')
    expect(percent(0, 0)).toBe('—')
    expect(percent(66.666666, 3)).toBe('66.67%')
  })

  it('lists the items with cases, most first', () => {
    const rows = [
      { item_code: '0102', item_name: 'b', count: 2 },
      { item_code: '0101', item_name: 'a', count: 2 },
      { item_code: '0103', item_name: 'c', count: 0 },
      { item_code: '0104', item_name: 'd', count: 5 },
    ]
    expect(topItems(rows).map((r) => r.item_code)).toEqual(['0104', '0101', '0102'])
  })
})
