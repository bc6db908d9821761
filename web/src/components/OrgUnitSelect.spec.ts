// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { i18n } from '@/locales'
import type { OrgLevel, OrgUnit } from '@/api/types'
import type { OrgUnitQuery } from '@/api/org'
import OrgUnitSelect from './OrgUnitSelect.vue'

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
}

/** 龙岗区 → 平湖街道 (→ 良安田社区 → a grid) and 坂田街道. */
const rows: [number, string, string, number | null][] = [
  [1, 'district', '龙岗区', null],
  [2, 'subdistrict', '平湖街道', 1],
  [3, 'subdistrict', '坂田街道', 1],
  [4, 'community', '良安田社区', 2],
  [7, 'grid', '良安田社区第01网格', 4],
]
function unit(id: number): OrgUnit {
  const [, level, name, parent_id] = rows.find((r) => r[0] === id)!
  const ancestors = []
  for (let p = parent_id; p != null; p = rows.find((r) => r[0] === p)![3]) {
    const r = rows.find((x) => x[0] === p)!
    ancestors.unshift({ id: r[0], level: r[1], name: r[2] })
  }
  return { id, level, code: String(id), name, parent_id, sort: 0, child_count: rows.filter((r) => r[3] === id).length, ancestors }
}

const { list, get } = vi.hoisted(() => ({ list: vi.fn(), get: vi.fn() }))
vi.mock('@/api/org', () => ({ orgUnitApi: { list, get } }))

function picker(props: { levels?: OrgLevel[]; hideGrids?: boolean } = {}, value: number | null = null) {
  const model = ref<number | null | undefined>(value)
  const Host = defineComponent({
    setup: () => () =>
      h(OrgUnitSelect, { ...props, modelValue: model.value, 'onUpdate:modelValue': (v: number | null | undefined) => (model.value = v) }),
  })
  const w = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body })
  return { w, model }
}

/** The options the dropdown lists, as their text. */
const options = () => [...document.querySelectorAll('.el-tree-select__popper .el-select-dropdown__item')].map((e) => e.textContent?.trim())

async function type(w: ReturnType<typeof picker>['w'], text: string) {
  const input = w.get('input')
  await input.trigger('click')
  await input.setValue(text)
  await new Promise((r) => setTimeout(r, 300))
  await flushPromises()
}

describe('OrgUnitSelect', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    document.body.innerHTML = ''
    list.mockReset()
    list.mockImplementation(async (q: OrgUnitQuery) => {
      let ids = rows.map((r) => r[0])
      if (q.roots) ids = [1]
      if (q.parent_id != null) ids = rows.filter((r) => r[3] === q.parent_id).map((r) => r[0])
      if (q.q) ids = rows.filter((r) => r[2].includes(q.q!) && (!q.level || q.level.split(',').includes(r[1]))).map((r) => r[0])
      return { items: ids.map(unit), total: ids.length }
    })
    get.mockReset()
    get.mockImplementation(async (id: number) => unit(id))
  })

  it('opens on the roots and their first level, loading nothing deeper', async () => {
    const { w } = picker()
    await flushPromises()
    await flushPromises()
    expect(options()).toEqual(['龙岗区', '平湖街道', '坂田街道'])
    const asked = list.mock.calls.map(([q]) => q as OrgUnitQuery)
    expect(asked.map((q) => q.roots ?? q.parent_id)).toEqual([true, 1])
    expect(asked.every((q) => q.geometry === false)).toBe(true)
    w.unmount()
  })

  it('shows the chosen unit by name though its node was never loaded', async () => {
    const { w } = picker({}, 7)
    await flushPromises()
    await flushPromises()
    expect(get).toHaveBeenCalledWith(7, true)
    expect(w.text()).toContain('良安田社区第01网格')
    expect(list.mock.calls.some(([q]) => (q as OrgUnitQuery).parent_id === 4)).toBe(false)
    w.unmount()
  })

  it('searches the server as one types and lists the hits with their path', async () => {
    const { w, model } = picker()
    await flushPromises()
    await type(w, '良安田')
    expect(list).toHaveBeenLastCalledWith({ q: '良安田', level: undefined, geometry: false, page_size: 30 })
    expect(options()).toEqual(['平湖街道 / 良安田社区', '平湖街道 / 良安田社区 / 良安田社区第01网格'])
    ;(document.querySelector('.el-tree-select__popper .el-select-dropdown__item') as HTMLElement).click()
    await flushPromises()
    expect(model.value).toBe(4)
    w.unmount()
  })

  it('finds only the levels it offers', async () => {
    const { w } = picker({ hideGrids: true })
    await flushPromises()
    await type(w, '良安田')
    expect(list).toHaveBeenLastCalledWith({ q: '良安田', level: 'district,subdistrict,community', geometry: false, page_size: 30 })
    expect(options()).toEqual(['平湖街道 / 良安田社区'])
    w.unmount()
    const grids = picker({ levels: ['grid'] })
    await flushPromises()
    await type(grids.w, '良安田')
    expect(list).toHaveBeenLastCalledWith({ q: '良安田', level: 'grid', geometry: false, page_size: 30 })
    expect(options()).toEqual(['平湖街道 / 良安田社区 / 良安田社区第01网格'])
    grids.w.unmount()
  })
})
