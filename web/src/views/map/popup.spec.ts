import { describe, expect, it } from 'vitest'
import { popupRows, popupTitle, routeLink, type PopupFormat } from './popup'

const labels: Record<string, string> = {
  code: '编码',
  name: '名称',
  address: '地址',
  floors: '层数',
  use_type: '用途',
  grid_name: '所属网格',
  residents: '实有人口',
  houses: '房屋',
  rental_houses: '出租屋',
  state_label: '状态',
  overdue: '是否超期',
  deadline_at: '办理时限',
  item_name: '事件类型',
  level: '层级',
}
const format: PopupFormat = {
  label: (k) => labels[k] ?? k,
  yes: '是',
  no: '否',
  time: (v) => `T(${v})`,
  level: (v) => ({ community: '社区' })[v] ?? v,
  code: (table, v) => (table === 'use_types' && v === 'residential' ? '住宅' : v),
}

describe('popup rows', () => {
  it('lists a building with Chinese labels in a fixed order, codes by name', () => {
    const rows = popupRows(
      {
        rental_houses: 4,
        name: '良安田1号楼',
        code: '44030700300201001',
        address: '良安田村1号',
        floors: 7,
        use_type: 'residential',
        grid_name: '良安田社区第01网格',
        residents: 36,
        houses: 14,
        link: '/registry/buildings?id=12',
        id: 12,
      },
      format,
    )
    expect(rows.map((r) => `${r.label}=${r.value}`)).toEqual([
      '编码=44030700300201001',
      '名称=良安田1号楼',
      '地址=良安田村1号',
      '所属网格=良安田社区第01网格',
      '层数=7',
      '用途=住宅',
      '实有人口=36',
      '房屋=14',
      '出租屋=4',
    ])
  })

  it('shows a case: its state label for the state, yes/no, times formatted, empty values left out', () => {
    const rows = popupRows(
      {
        code: 'SJ20260101000001',
        item_name: '占道经营',
        state: 'dispatched',
        state_label: '已派遣',
        deadline_at: '2026-01-02T08:00:00Z',
        overdue: false,
        address: null,
        link: '/cases/34',
      },
      format,
    )
    expect(rows.map((r) => `${r.label}=${r.value}`)).toEqual([
      '编码=SJ20260101000001',
      '事件类型=占道经营',
      '状态=已派遣',
      '是否超期=否',
      '办理时限=T(2026-01-02T08:00:00Z)',
    ])
  })

  it('keeps a state without a label, unknown fields after the known ones, and names levels', () => {
    const rows = popupRows({ extra: 'x', state: 'closed', level: 'community', tags: ['a', 'b'], nested: { a: 1 } }, format)
    expect(rows.map((r) => `${r.key}=${r.value}`)).toEqual(['level=社区', 'state=closed', 'extra=x', 'tags=a、b'])
  })
})

describe('popup link and title', () => {
  it('links only to the app’s own routes', () => {
    expect(routeLink('/cases/34')).toBe('/cases/34')
    expect(routeLink(' /registry/buildings?id=12 ')).toBe('/registry/buildings?id=12')
    expect(routeLink('//evil.example/x')).toBeNull()
    expect(routeLink('javascript:alert(1)')).toBeNull()
    expect(routeLink('https://example.com')).toBeNull()
    expect(routeLink('/\\evil')).toBeNull()
    expect(routeLink(undefined)).toBeNull()
  })

  it('titles by name, else code, else the layer', () => {
    expect(popupTitle({ name: '良安田小学', code: 'x' }, '重点场所')).toBe('良安田小学')
    expect(popupTitle({ name: '', code: 'SJ1' }, '事件')).toBe('SJ1')
    expect(popupTitle({}, '楼栋')).toBe('楼栋')
  })
})
