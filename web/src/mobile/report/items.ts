// The ★ row: items suggested by the server from the text and the place
// (GET /api/v1/case-items/suggest); where that route is not there yet (404/405), the items of the
// worker's own recent cases, latest first.
import { http, isApiError } from '@/api/client'
import type { Case, CaseCategory } from '@/api/types'

export interface ItemChoice {
  code: string
  name: string
}

export const STAR_ROW = 5

/** The suggestions, or null when the server has no suggestion route (404). */
export async function suggestItems(text: string, lon?: number, lat?: number): Promise<ItemChoice[] | null> {
  try {
    const answer = await http.get<unknown>(
      '/api/v1/case-items/suggest',
      { text: text.trim(), lng: lon, lat },
      { silent: true },
    )
    return choicesOf(answer)
  } catch (e) {
    if (isApiError(e) && noSuggestRoute(e.status)) return null
    return []
  }
}

/**
 * The answers that mean "no suggestion route here": 404, and 405 — the path also matches
 * `PUT /case-items/{code}`, so before the route lands a GET of it is "method not allowed".
 */
export const noSuggestRoute = (status: number) => status === 404 || status === 405

/** `[{code, name}]` or `{items: [...]}` (each with `code` or `item_code`, `name` or `item_name`). */
export function choicesOf(answer: unknown): ItemChoice[] {
  const list = Array.isArray(answer)
    ? answer
    : answer && typeof answer === 'object' && Array.isArray((answer as { items?: unknown }).items)
      ? (answer as { items: unknown[] }).items
      : []
  const out: ItemChoice[] = []
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') continue
    const r = raw as Record<string, unknown>
    const code = r.code ?? r.item_code
    const name = r.name ?? r.item_name
    if (typeof code === 'string' && typeof name === 'string' && !out.some((c) => c.code === code)) out.push({ code, name })
  }
  return out.slice(0, STAR_ROW)
}

/** The distinct items of the cases, in their order (latest first), only those still enabled. */
export function recentItems(cases: readonly Pick<Case, 'item_code' | 'item_name'>[], enabled: ReadonlySet<string>): ItemChoice[] {
  const out: ItemChoice[] = []
  for (const c of cases) {
    if (!enabled.has(c.item_code) || out.some((x) => x.code === c.item_code)) continue
    out.push({ code: c.item_code, name: c.item_name })
    if (out.length === STAR_ROW) break
  }
  return out
}

/** The enabled items' codes. */
export function enabledCodes(categories: readonly CaseCategory[]): Set<string> {
  return new Set(categories.flatMap((c) => c.items.filter((i) => i.enabled).map((i) => i.code)))
}
