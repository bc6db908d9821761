import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { OrgUnit } from '@/api/types'
import type { OrgUnitQuery } from '@/api/org'
import { useAuthStore } from './auth'
import { unitPath, useOrgStore } from './org'

/** 龙岗区 → 平湖街道 → 良安田社区 → two grids; 坂田街道 beside 平湖. */
const rows: [number, string, string, number | null][] = [
  [1, 'district', '龙岗区', null],
  [2, 'subdistrict', '平湖街道', 1],
  [3, 'subdistrict', '坂田街道', 1],
  [4, 'community', '良安田社区', 2],
  [7, 'grid', '良安田社区第01网格', 4],
  [8, 'grid', '良安田社区第02网格', 4],
]
function unit(id: number): OrgUnit {
  const [, level, name, parent_id] = rows.find((r) => r[0] === id)!
  const ancestors = []
  for (let p = parent_id; p != null; p = rows.find((r) => r[0] === p)![3]) {
    const r = rows.find((x) => x[0] === p)!
    ancestors.unshift({ id: r[0], level: r[1], name: r[2] })
  }
  const child_count = rows.filter((r) => r[3] === id).length
  return { id, level, code: String(id), name, parent_id, sort: 0, child_count, ancestors }
}

const { list, get } = vi.hoisted(() => ({ list: vi.fn(), get: vi.fn() }))
vi.mock('@/api/org', () => ({ orgUnitApi: { list, get } }))

function answer(q: OrgUnitQuery) {
  let found = rows.map((r) => r[0])
  if (q.roots) found = [1]
  if (q.parent_id != null) found = rows.filter((r) => r[3] === q.parent_id).map((r) => r[0])
  if (q.q) found = rows.filter((r) => r[2].includes(q.q!)).map((r) => r[0])
  const size = q.page_size ?? 20
  const start = ((q.page ?? 1) - 1) * size
  return { items: found.slice(start, start + size).map(unit), total: found.length }
}

describe('useOrgStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    useAuthStore().setSession({ user: { id: 1 } } as never)
    list.mockReset()
    list.mockImplementation(async (q: OrgUnitQuery) => answer(q))
    get.mockReset()
    get.mockImplementation(async (id: number) => unit(id))
  })

  it('loads the roots and each level once, without shapes, and never the whole tree', async () => {
    const org = useOrgStore()
    const [a, b] = await Promise.all([org.roots(), org.roots()])
    expect(a).toBe(b)
    expect(a.map((u) => u.name)).toEqual(['龙岗区'])
    expect(list).toHaveBeenCalledTimes(1)
    expect(list).toHaveBeenLastCalledWith({ roots: true, geometry: false, page: 1, page_size: 500 })
    expect((await org.children(1)).map((u) => u.name)).toEqual(['平湖街道', '坂田街道'])
    await org.children(1)
    expect(list).toHaveBeenCalledTimes(2)
    // A unit met in a list is not fetched again.
    expect((await org.unit(2)).child_count).toBe(1)
    expect(get).not.toHaveBeenCalled()
    expect((await org.unit(7)).name).toBe('良安田社区第01网格')
    expect(get).toHaveBeenCalledWith(7, true)
  })

  it('reads a level of more than one page whole', async () => {
    list.mockImplementation(async (q: OrgUnitQuery) => {
      const all = Array.from({ length: 501 }, (_, i) => ({ ...unit(7), id: 100 + i }))
      const start = ((q.page ?? 1) - 1) * (q.page_size ?? 20)
      return { items: all.slice(start, start + (q.page_size ?? 20)), total: all.length }
    })
    const grids = await useOrgStore().children(4)
    expect(grids).toHaveLength(501)
    expect(list).toHaveBeenCalledTimes(2)
  })

  it('asks again after a failure, after a write, and for another user', async () => {
    const org = useOrgStore()
    list.mockRejectedValueOnce(new Error('offline'))
    await expect(org.roots()).rejects.toThrow('offline')
    await org.roots()
    expect(list).toHaveBeenCalledTimes(2)

    const v = org.version
    org.invalidate()
    expect(org.version).toBe(v + 1)
    await org.roots()
    expect(list).toHaveBeenCalledTimes(3)

    useAuthStore().setSession({ user: { id: 2 } } as never)
    await org.roots()
    expect(list).toHaveBeenCalledTimes(4)
  })

  it('searches the server each time, for the levels asked', async () => {
    const org = useOrgStore()
    const hits = await org.search('良安田', ['community', 'grid'])
    expect(hits.map((u) => u.name)).toEqual(['良安田社区', '良安田社区第01网格', '良安田社区第02网格'])
    expect(list).toHaveBeenLastCalledWith({ q: '良安田', level: 'community,grid', geometry: false, page_size: 30 })
    await org.search('良安田')
    expect(list).toHaveBeenCalledTimes(2)
    expect(list).toHaveBeenLastCalledWith({ q: '良安田', level: undefined, geometry: false, page_size: 30 })
  })

  it('names a hit by its path below the single root', () => {
    expect(unitPath(unit(7), [unit(1)])).toBe('平湖街道 / 良安田社区')
    expect(unitPath(unit(2), [unit(1)])).toBe('')
    // Several roots (a custom list): nothing is shared, the whole visible path is named.
    expect(unitPath(unit(7), [unit(2), unit(3)])).toBe('龙岗区 / 平湖街道 / 良安田社区')
  })
})
