import { describe, expect, it } from 'vitest'
import { registerQuery, rectificationExportUrl, thisMonth } from './registers'

describe('registers', () => {
  it('takes the month in Beijing time', () => {
    // 2026-11-30 17:00 UTC is 2026-12-01 01:00 in Beijing.
    expect(thisMonth(new Date(Date.UTC(2026, 10, 30, 17, 0)))).toBe('2026-12')
    expect(thisMonth(new Date(Date.UTC(2026, 10, 30, 15, 0)))).toBe('2026-11')
  })

  it('leaves empty filters out of the query and the export', () => {
    expect(registerQuery({ month: '2026-11', org_unit_id: null, status: '' })).toEqual({ month: '2026-11' })
    expect(rectificationExportUrl({ month: '2026-11', org_unit_id: 7, status: 'overdue' })).toBe(
      '/api/v1/registers/rectification/export?month=2026-11&org_unit_id=7&status=overdue',
    )
  })
})
