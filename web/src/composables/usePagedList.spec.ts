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
