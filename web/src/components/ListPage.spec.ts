// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { ElTableColumn } from 'element-plus'
import { i18n } from '@/locales'
import { usePagedList, type Paged } from '@/composables/usePagedList'
import ListPage from './ListPage.vue'

interface Row {
  id: number
  name: string
}

// jsdom has no layout: Element Plus's table and pager only need these to exist.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
}

/** A page built on ListPage, as the registry pages are. */
function page(
  fetcher: (q: { q: string; page?: number; page_size?: number; after?: string; before?: string }) => Promise<Paged<Row>>,
  props: Record<string, unknown> = {},
) {
  const Page = defineComponent({
    setup() {
      const list = usePagedList(fetcher, () => ({ q: '' }))
      return () =>
        h(
          ListPage,
          { list, title: '楼栋', testid: 'things', ...props },
          {
            filters: () => h('input', { 'data-testid': 'things-q', onInput: (e: Event) => (list.filters.q = (e.target as HTMLInputElement).value) }),
            toolbar: () => h('button', { 'data-testid': 'things-create' }, '新增'),
            default: () => [h(ElTableColumn, { prop: 'name', label: '名称' })],
          },
        )
    },
  })
  return mount(Page, { global: { plugins: [i18n] }, attachTo: document.body })
}

describe('ListPage', () => {
  it('loads when mounted and shows the title, buttons, rows and pager', async () => {
    const fetcher = vi.fn(async () => ({ items: [{ id: 1, name: '一号楼' }], total: 41 }))
    const w = page(fetcher)
    await flushPromises()
    expect(fetcher).toHaveBeenCalledWith({ q: '', page: 1, page_size: 20 })
    expect(w.get('h3').text()).toBe('楼栋')
    expect(w.find('.toolbar-actions [data-testid=things-create]').exists()).toBe(true)
    expect(w.get('[data-testid=things-table]').text()).toContain('一号楼')
    expect(w.get('.pager').text()).toContain('41')
    w.unmount()
  })

  it('searches from page 1 with the filters, and resets them', async () => {
    const fetcher = vi.fn(async () => ({ items: [], total: 0 }))
    const w = page(fetcher)
    await flushPromises()
    await w.get('[data-testid=things-q]').setValue('张')
    await w.get('[data-testid=things-search]').trigger('click')
    expect(fetcher).toHaveBeenLastCalledWith({ q: '张', page: 1, page_size: 20 })
    const reset = w.findAll('.filter-bar button').find((b) => b.text() === '重置')
    await reset!.trigger('click')
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page: 1, page_size: 20 })
    w.unmount()
  })

  it('says when there is nothing, and shows the table loading meanwhile', async () => {
    let answer!: (p: Paged<Row>) => void
    const fetcher = vi.fn(() => new Promise<Paged<Row>>((res) => (answer = res)))
    const w = page(fetcher)
    await nextTick()
    expect(w.find('[data-testid=things-table] .el-loading-mask').exists()).toBe(true)
    answer({ items: [], total: 0 })
    await flushPromises()
    expect(w.get('[data-testid=things-table]').text()).toContain('暂无数据')
    w.unmount()
  })

  it('leaves out the pager and the filter bar when a page has none, and the loading when asked', async () => {
    const fetcher = vi.fn(async () => ({ items: [], total: 0 }))
    const Bare = defineComponent({
      setup() {
        const list = usePagedList(fetcher, () => ({}))
        return () => h(ListPage, { list, title: '角色', testid: 'roles', pager: false, immediate: false, emptyText: '没有' })
      },
    })
    const w = mount(Bare, { global: { plugins: [i18n] } })
    await flushPromises()
    expect(fetcher).not.toHaveBeenCalled()
    expect(w.find('.pager').exists()).toBe(false)
    expect(w.find('.filter-bar').exists()).toBe(false)
    expect(w.find('.toolbar-actions').exists()).toBe(false)
    expect(w.get('[data-testid=roles-table]').text()).toContain('没有')
    w.unmount()
  })

  it('hands undeclared attributes to the table', async () => {
    const fetcher = vi.fn(async () => ({ items: [], total: 0 }))
    const w = page(fetcher, { 'row-key': 'id', class: 'extra' })
    await flushPromises()
    expect(w.get('[data-testid=things-table]').classes()).toContain('extra')
    expect(w.get('.page').classes()).not.toContain('extra')
    w.unmount()
  })

  it('pages by cursor with next and previous, and by number for a jump', async () => {
    const fetcher = vi.fn(async (q: { page?: number; after?: string; before?: string }) => {
      const at = q.after ? Number(q.after) : q.before ? Number(q.before) - 1 : (q.page ?? 1)
      return { items: [{ id: at, name: `第${at}页` }], total: 200, total_exact: true, next: String(at + 1), prev: String(at) }
    })
    const w = page(fetcher)
    await flushPromises()
    await w.get('.pager .btn-next').trigger('click')
    await flushPromises()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page_size: 20, after: '2' })
    expect(w.get('.pager .el-pager .is-active').text()).toBe('2')
    await w.get('.pager .btn-next').trigger('click')
    await flushPromises()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page_size: 20, after: '3' })
    await w.get('.pager .btn-prev').trigger('click')
    await flushPromises()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page_size: 20, before: '3' })
    expect(w.get('[data-testid=things-table]').text()).toContain('第2页')
    // The last page's number: a jump.
    const last = w.findAll('.pager .el-pager li').at(-1)!
    expect(last.text()).toBe('10')
    await last.trigger('click')
    await flushPromises()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page: 10, page_size: 20 })
    w.unmount()
  })

  it('says "共 10,000+ 条" of a capped count and still offers the next page', async () => {
    let at = 1
    const fetcher = vi.fn(async (q: { page?: number; after?: string }) => {
      at = q.after ? at + 1 : (q.page ?? 1)
      return { items: [{ id: at, name: `第${at}页` }], total: 10000, total_exact: false, next: `c${at}`, prev: null }
    })
    const w = page(fetcher)
    await flushPromises()
    expect(w.get('[data-testid=pager-total]').text()).toBe('共 10,000+ 条')
    expect(w.get('.pager').text()).not.toContain('共 10000 条')
    // The last page of the count is not the end: next is still there.
    const last = w.findAll('.pager .el-pager li').at(-1)!
    expect(last.text()).toBe('500')
    await last.trigger('click')
    await flushPromises()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page: 500, page_size: 20 })
    expect(w.get('.pager .btn-next').attributes('disabled')).toBeUndefined()
    await w.get('.pager .btn-next').trigger('click')
    await flushPromises()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page_size: 20, after: 'c500' })
    expect(w.get('.pager .el-pager .is-active').text()).toBe('501')

    i18n.global.locale.value = 'en'
    await nextTick()
    expect(w.get('[data-testid=pager-total]').text()).toBe('10,000+ items')
    i18n.global.locale.value = 'zh-CN'
    w.unmount()
  })

  it('shows an exact total as Element Plus does', async () => {
    const fetcher = vi.fn(async () => ({ items: [], total: 12345, total_exact: true, next: null, prev: null }))
    const w = page(fetcher)
    await flushPromises()
    expect(w.find('[data-testid=pager-total]').exists()).toBe(false)
    expect(w.get('.pager').text()).toContain('12345')
    w.unmount()
  })
})
