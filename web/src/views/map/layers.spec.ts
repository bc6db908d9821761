import { describe, expect, it } from 'vitest'
import zhCN from '@/locales/zh-CN'
import en from '@/locales/en'
import {
  clusterLabel,
  clusterRadius,
  initialVisibility,
  LAYER_LEGENDS,
  LAYER_ORDER,
  orderedLayers,
  type MapLayerDef,
} from './layers'
import { COUNT_KEYS } from './query'
import { PROP_ORDER } from './popup'

const CONFIG_LAYERS: MapLayerDef[] = [
  { name: 'cases', title: '事件', kind: 'point' },
  { name: 'divisions', title: '行政区划', kind: 'polygon' },
  { name: 'buildings', title: '楼栋', kind: 'point' },
  { name: 'grids', title: '网格', kind: 'polygon' },
  { name: 'key_places', title: '重点场所', kind: 'point' },
  { name: 'key_enterprises', title: '重点企业', kind: 'point' },
  { name: 'rental_houses', title: '出租屋', kind: 'point' },
  { name: 'overdue_inspections', title: '巡查超期出租屋', kind: 'point' },
  { name: 'cameras', title: '视频监控', kind: 'point' },
  { name: 'drones' as MapLayerDef['name'], title: '无人机', kind: 'point' },
]

describe('map layers', () => {
  it('draws polygons under points, and leaves out layers the page does not know', () => {
    expect(orderedLayers(CONFIG_LAYERS).map((l) => l.name)).toEqual([...LAYER_ORDER])
  })

  it('opens with divisions, grids and buildings on', () => {
    const v = initialVisibility(orderedLayers(CONFIG_LAYERS))
    expect(v).toEqual({
      divisions: true,
      grids: true,
      buildings: true,
      key_places: false,
      key_enterprises: false,
      cases: false,
      rental_houses: false,
      overdue_inspections: false,
      cameras: false,
    })
  })

  it('sizes clusters by count within bounds and shortens large numbers', () => {
    expect(clusterRadius(1)).toBe(12)
    expect(clusterRadius(10)).toBe(17)
    expect(clusterRadius(1000)).toBe(27)
    expect(clusterRadius(10 ** 9)).toBe(30)
    expect(clusterRadius(0)).toBe(12)
    expect(clusterLabel(9999)).toBe('9999')
    expect(clusterLabel(12345)).toBe('1.2万')
    expect(clusterLabel(12345, 'en')).toBe('12k')
  })
})

describe('map labels in both languages', () => {
  const has = (messages: unknown, path: string) =>
    path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), messages)

  it('names every layer, legend entry, count, popup field and metric', () => {
    const keys = [
      ...LAYER_ORDER.map((n) => `map.layer.${n}`),
      ...Object.values(LAYER_LEGENDS).flatMap((items) => items.map((i) => i.label)),
      ...COUNT_KEYS.map((k) => `map.count.${k}`),
      ...PROP_ORDER.map((k) => `map.prop.${k}`),
      ...['residents', 'migrant_share', 'rental_per_100', 'open_cases', 'overdue_cases', 'overdue_inspections', 'rental_by_class'].flatMap((m) => [
        `map.metric.${m}`,
        `map.metricUnit.${m}`,
      ]),
      ...['running', 'done', 'failed'].map((s) => `map.run.status.${s}`),
    ]
    for (const k of keys) {
      expect(typeof has(zhCN, k), k).toBe('string')
      expect(typeof has(en, k), k).toBe('string')
    }
  })

  it('speaks the words of the map workbench', () => {
    expect(zhCN.menu.map).toBe('图上办公')
    expect(zhCN.map.tab).toEqual({ layers: '图层', thematic: '专题图', heat: '热力图', query: '空间查询', draw: '网格绘制' })
    expect(COUNT_KEYS.map((k) => zhCN.map.count[k])).toEqual([
      '实有人口',
      '流动人口',
      '特殊人群',
      '楼栋',
      '房屋',
      '出租屋',
      '重点场所',
      '在办事件',
      '巡查超期出租屋',
      '视频监控',
    ])
    expect(zhCN.map.query.export).toBe('导出')
    expect(zhCN.map.query.clear).toBe('清除')
    expect(zhCN.map.thematic.classes).toBe('分级')
    expect(zhCN.map.legend.title).toBe('图例')
  })
})
