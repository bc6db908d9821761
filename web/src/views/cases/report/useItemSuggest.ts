// 事件上报's ★ 推荐 row: the items the description and the point most likely belong to, asked again
// a moment after the reporter stops typing. An answer to an older question is dropped; a failure
// leaves the row as it was (the picker below still works).
import { onScopeDispose, shallowRef, watch } from 'vue'
import { caseApi, type SuggestQuery } from '@/api/cases'
import type { ItemSuggestion, ItemSuggestionList } from '@/api/types'
import { roundCoord, validLonLat } from './useCaseReport'

/** How long typing must pause before the row is asked for. */
export const SUGGEST_DELAY_MS = 300
export const SUGGEST_LIMIT = 5

export interface SuggestSource {
  text: string
  lon: number | null
  lat: number | null
}

/** The query for what is on the form: the trimmed text, the point only when it is whole and valid. */
export function suggestQuery(s: SuggestSource): SuggestQuery {
  const q: SuggestQuery = { limit: SUGGEST_LIMIT }
  const text = s.text.trim()
  if (text) q.text = text
  if (validLonLat(s.lon, s.lat)) {
    q.lng = roundCoord(s.lon!)
    q.lat = roundCoord(s.lat!)
  }
  return q
}

export function useItemSuggest(
  source: () => SuggestSource,
  fetch: (q: SuggestQuery) => Promise<ItemSuggestionList> = caseApi.suggest,
) {
  const items = shallowRef<ItemSuggestion[]>([])
  let timer: ReturnType<typeof setTimeout> | undefined
  let asked = 0

  async function ask(q: SuggestQuery) {
    const mine = ++asked
    try {
      const answer = await fetch(q)
      if (mine === asked) items.value = answer.items
    } catch {
      // silent: the row is a help, not a step
    }
  }

  watch(
    () => JSON.stringify(suggestQuery(source())),
    (key, before) => {
      clearTimeout(timer)
      const q = JSON.parse(key) as SuggestQuery
      // The first question (the caller's recent items) goes at once; typing waits for a pause.
      if (before === undefined) void ask(q)
      else timer = setTimeout(() => void ask(q), SUGGEST_DELAY_MS)
    },
    { immediate: true },
  )
  onScopeDispose(() => clearTimeout(timer))

  return { items }
}
