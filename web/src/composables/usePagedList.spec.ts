import { describe, expect, it, vi } from 'vitest'
import { usePagedList, type Paged } from './usePagedList'

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('usePagedList', () => {
  it('sends the filters with page and page_size, and starts over on search and reset', async () => {
    const fetcher = vi.fn(async () => ({ items: ['a'], total: 41 }))
    const list = usePagedList(fetcher, () => ({ q: '', org_unit_id: undefined as number | undefined }))
    list.filters.q = '张'
    list.filters.org_unit_id = 7
    await list.onPageChange(3)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '张', org_unit_id: 7, page: 3, page_size: 20 })
    expect(list.total.value).toBe(41)

    await list.onSizeChange(50)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '张', org_unit_id: 7, page: 1, page_size: 50 })

    await list.onPageChange(2)
    await list.search()
    expect(list.page.value).toBe(1)

    await list.reset()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', org_unit_id: undefined, page: 1, page_size: 50 })
  })

  it('keeps only the newest answer when requests overlap', async () => {
    const first = deferred<Paged<string>>()
    const second = deferred<Paged<string>>()
    const fetcher = vi.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise)
    const list = usePagedList(fetcher, () => ({ q: '' }))
    const a = list.load()
    const b = list.load()
    second.resolve({ items: ['new'], total: 1 })
    await b
    expect(list.loading.value).toBe(false)
    first.resolve({ items: ['old'], total: 9 })
    await a
    expect(list.items.value).toEqual(['new'])
    expect(list.total.value).toBe(1)
  })

  it('keeps the shown rows when a request fails', async () => {
    const fetcher = vi
      .fn()
      .mockResolvedValueOnce({ items: ['x'], total: 1 })
      .mockRejectedValueOnce(new Error('boom'))
    const list = usePagedList(fetcher, () => ({}))
    await list.load()
    await list.load()
    expect(list.items.value).toEqual(['x'])
    expect(list.loading.value).toBe(false)
  })
})

describe('usePagedList with keyset cursors', () => {
  /** A server that pages by cursor: every answer names the cursors around it. */
  function cursorServer(total = 95, exact = true) {
    return vi.fn(async (q: { page?: number; page_size?: number; after?: string; before?: string }) => {
      const size = q.page_size ?? 20
      let start: number
      if (q.after) start = Number(q.after.slice(1))
      else if (q.before) start = Math.max(0, Number(q.before.slice(1)) - size)
      else start = ((q.page ?? 1) - 1) * size
      const end = Math.min(start + size, total)
      const items = Array.from({ length: end - start }, (_, i) => start + i)
      return {
        items,
        total: exact ? total : Math.min(total, 40),
        total_exact: exact,
        next: end < total ? `a${end}` : null,
        prev: start > 0 ? `b${start}` : null,
      }
    })
  }

  it('steps to the next page after the cursor, and back before it', async () => {
    const fetcher = cursorServer()
    const list = usePagedList(fetcher, () => ({ q: '张' }))
    await list.load()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '张', page: 1, page_size: 20 })

    await list.onPageChange(2)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '张', page_size: 20, after: 'a20' })
    expect(list.page.value).toBe(2)
    await list.onPageChange(3)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '张', page_size: 20, after: 'a40' })
    expect(list.items.value[0]).toBe(40)

    await list.onPageChange(2)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '张', page_size: 20, before: 'b40' })
    expect(list.items.value[0]).toBe(20)
    expect(list.page.value).toBe(2)
    // Back to the first page: by number.
    await list.onPageChange(1)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '张', page: 1, page_size: 20 })
  })

  it('jumps by page number, and starts over without cursors on search and page size', async () => {
    const fetcher = cursorServer()
    const list = usePagedList(fetcher, () => ({ q: '' }))
    await list.load()
    await list.onPageChange(5)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page: 5, page_size: 20 })
    expect(list.hasNext.value).toBe(false)
    await list.onPageChange(3)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page: 3, page_size: 20 })
    // The jump's own answer leads on by cursor.
    await list.onPageChange(4)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page_size: 20, after: 'a60' })

    await list.onSizeChange(50)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page: 1, page_size: 50 })
    await list.onPageChange(2)
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page_size: 50, after: 'a50' })
    await list.search()
    expect(fetcher).toHaveBeenLastCalledWith({ q: '', page: 1, page_size: 50 })
    expect(list.page.value).toBe(1)
  })

  it('pages by number when the answers carry no cursors', async () => {
    const fetcher = vi.fn(async () => ({ items: ['a'], total: 41 }))
    const list = usePagedList(fetcher, () => ({}))
    await list.load()
    expect(list.totalExact.value).toBe(true)
    expect(list.hasNext.value).toBe(true)
    await list.onPageChange(2)
    expect(fetcher).toHaveBeenLastCalledWith({ page: 2, page_size: 20 })
    await list.onPageChange(1)
    expect(fetcher).toHaveBeenLastCalledWith({ page: 1, page_size: 20 })
    await list.onPageChange(3)
    expect(list.hasNext.value).toBe(false)
  })

  it('knows a capped total, and that more follow it', async () => {
    const fetcher = cursorServer(95, false)
    const list = usePagedList(fetcher, () => ({}))
    await list.load()
    expect(list.total.value).toBe(40)
    expect(list.totalExact.value).toBe(false)
    await list.onPageChange(2)
    await list.onPageChange(3)
    // Past the capped count, the cursor still leads on.
    expect(fetcher).toHaveBeenLastCalledWith({ page_size: 20, after: 'a40' })
    expect(list.hasNext.value).toBe(true)
    await list.onPageChange(4)
    await list.onPageChange(5)
    expect(list.hasNext.value).toBe(false)
  })

  it('takes cursors only from the newest answer', async () => {
    const first = deferred<Paged<number>>()
    const second = deferred<Paged<number>>()
    const fetcher = vi
      .fn()
      .mockResolvedValueOnce({ items: [0], total: 60, next: 'p1-next', prev: null })
      .mockReturnValueOnce(first.promise)
      .mockReturnValueOnce(second.promise)
      .mockResolvedValue({ items: [], total: 60, next: null, prev: null })
    const list = usePagedList(fetcher, () => ({}))
    await list.load()
    // A click on 2, then on 3 before 2 answered: 3 is not one step from the shown page 1.
    const a = list.onPageChange(2)
    const b = list.onPageChange(3)
    expect(fetcher).toHaveBeenNthCalledWith(2, { page_size: 20, after: 'p1-next' })
    expect(fetcher).toHaveBeenNthCalledWith(3, { page: 3, page_size: 20 })
    second.resolve({ items: [3], total: 60, next: 'p3-next', prev: 'p3-prev' })
    await b
    first.resolve({ items: [2], total: 60, next: 'p2-next', prev: 'p2-prev' })
    await a
    expect(list.items.value).toEqual([3])
    await list.onPageChange(2)
    expect(fetcher).toHaveBeenLastCalledWith({ page_size: 20, before: 'p3-prev' })
  })
})
