// The list half of every table page: filters, pagination, loading, and only the newest answer wins.
// Next and previous go by the answer's cursors when the server gives them (keyset paging: a deep
// page costs what the first does); any other jump asks for a page number.
import { reactive, ref, shallowRef, type UnwrapRef } from 'vue'
import type { PageQuery } from '@/api/types'

export interface Paged<T> {
  items: T[]
  total: number
  /** False: `total` was counted up to a cap and there may be more (absent: exact). */
  total_exact?: boolean
  /** The cursor of the following page; null at the end (absent: the server pages by number). */
  next?: string | null
  /** The cursor of the previous page; null at the start. */
  prev?: string | null
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
  const totalExact = ref(true)
  const items = shallowRef<T[]>([])
  const loading = ref(false)
  /** Whether a page follows the one shown (the cursor's word, or the total's). */
  const hasNext = ref(false)
  let seq = 0
  /** The page the shown rows are, and its cursors: a cursor only leads from the page it came with. */
  let shown = { page: 1, size: pageSize, next: null as string | null, prev: null as string | null }

  /** `cursor`: the rows after (or before) the shown page's; otherwise page `page.value`. */
  async function load(cursor?: { after: string } | { before: string }) {
    const mine = ++seq
    loading.value = true
    const at = page.value
    const query = cursor
      ? { ...(filters as F), page_size: size.value, ...cursor }
      : { ...(filters as F), page: at, page_size: size.value }
    try {
      const answer = await fetcher(query as F & PageQuery)
      if (mine !== seq) return
      items.value = answer.items
      total.value = answer.total
      totalExact.value = answer.total_exact !== false
      const next = answer.next ?? null
      shown = { page: at, size: size.value, next, prev: answer.prev ?? null }
      hasNext.value = answer.next !== undefined ? next !== null : at * size.value < answer.total
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

  /** One step from the shown page goes by its cursor; page 1, and every other jump, by number
   * (the first page stays the first even when rows came in above the cursor). */
  function onPageChange(p: number) {
    const step = shown.size === size.value ? p - shown.page : 0
    page.value = p
    if (step === 1 && shown.next) return load({ after: shown.next })
    if (step === -1 && shown.prev && p > 1) return load({ before: shown.prev })
    return load()
  }

  function onSizeChange(s: number) {
    size.value = s
    page.value = 1
    return load()
  }

  return {
    filters,
    page,
    size,
    total,
    totalExact,
    hasNext,
    items,
    loading,
    load: () => load(),
    search,
    reset,
    onPageChange,
    onSizeChange,
  }
}

/** The paging half of a list query (page or cursor), for fetchers that build their own query. */
export function paging(q: PageQuery): PageQuery {
  return { page: q.page, page_size: q.page_size, after: q.after, before: q.before }
}

/** A list as usePagedList gives it: what ListPage shows. */
export type PagedList<T = unknown, F extends object = object> = ReturnType<typeof usePagedList<T, F>>

/** A list the server answers whole, as one page (shown without a pager). */
export function asPaged<T>(items: T[]): Paged<T> {
  return { items, total: items.length }
}
