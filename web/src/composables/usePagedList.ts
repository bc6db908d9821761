// The list half of every table page: filters, pagination, loading, and only the newest answer wins.
import { reactive, ref, shallowRef, type UnwrapRef } from 'vue'
import type { PageQuery } from '@/api/types'

export interface Paged<T> {
  items: T[]
  total: number
}

export function usePagedList<T, F extends object>(
  fetcher: (query: F & PageQuery) => Promise<Paged<T>>,
  initialFilters: () => F,
  pageSize = 20,
) {
  const filters = reactive(initialFilters())
  const page = ref(1)
  const size = ref(pageSize)
  const total = ref(0)
  const items = shallowRef<T[]>([])
  const loading = ref(false)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    try {
      const answer = await fetcher({ ...(filters as F), page: page.value, page_size: size.value })
      if (mine !== seq) return
      items.value = answer.items
      total.value = answer.total
    } catch {
      // the client has shown the error; keep what was shown before
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function search() {
    page.value = 1
    return load()
  }

  function reset() {
    Object.assign(filters, initialFilters() as UnwrapRef<F>)
    return search()
  }

  function onPageChange(p: number) {
    page.value = p
    return load()
  }

  function onSizeChange(s: number) {
    size.value = s
    page.value = 1
    return load()
  }

  return { filters, page, size, total, items, loading, load, search, reset, onPageChange, onSizeChange }
}

/** A list as usePagedList gives it: what ListPage shows. */
export type PagedList<T = unknown, F extends object = object> = ReturnType<typeof usePagedList<T, F>>

/** A list the server answers whole, as one page (shown without a pager). */
export function asPaged<T>(items: T[]): Paged<T> {
  return { items, total: items.length }
}
