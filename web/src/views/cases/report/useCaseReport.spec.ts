import { describe, expect, it } from 'vitest'
import type { CaseCategory, CaseItem } from '@/api/types'
import { emptyReportForm, itemOptions, reportBody, validLonLat } from './useCaseReport'

const item = (code: string, name: string, enabled = true): CaseItem => ({
  code,
  category_code: code.slice(0, 2),
  name,
  department_seq: '01',
  department_name: '公安分局',
  severity: 'general',
  accept_limit: '4h',
  dispatch_limit: '4h',
  handle_limit: '10wd',
  verify_limit: '2wd',
  enabled,
  keywords: '',
})

describe('itemOptions', () => {
  it('nests enabled items under their category and drops empty categories', () => {
    const cats: CaseCategory[] = [
      { code: '01', name: '治安隐患', items: [item('0101', '治安防范设施缺失损坏'), item('0102', '停用', false)] },
      { code: '02', name: '空', items: [item('0201', '停用', false)] },
    ]
    expect(itemOptions(cats)).toEqual([
      { value: '01', label: '治安隐患', children: [{ value: '0101', label: '治安防范设施缺失损坏' }] },
    ])
  })
})

describe('reportBody', () => {
  const f = { ...emptyReportForm(), item: ['01', '0101'], description: ' 井盖缺失 ', address: ' ', lon: 114.0601234567, lat: 22.603 }

  it('sends the item, trimmed text and the rounded point; a grid worker sends no source', () => {
    expect(reportBody(f, true)).toEqual({
      item_code: '0101',
      description: '井盖缺失',
      address: null,
      source: null,
      location: { lon: 114.060123, lat: 22.603 },
      building_code: null,
    })
  })

  it('sends the source chosen by center staff, and a building code instead of the point', () => {
    const body = reportBody({ ...f, source: 'visit', locate_by: 'building', building_code: ' 44030700300201001 ' }, false)
    expect(body.source).toBe('visit')
    expect(body.building_code).toBe('44030700300201001')
    expect(body.location).toBeNull()
  })

  it('checks coordinates', () => {
    expect(validLonLat(114.06, 22.6)).toBe(true)
    expect(validLonLat(null, 22.6)).toBe(false)
    expect(validLonLat(200, 22.6)).toBe(false)
    expect(validLonLat(Number.NaN, 1)).toBe(false)
  })
})
