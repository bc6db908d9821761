import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, reactive } from 'vue'
import type { SuggestQuery } from '@/api/cases'
import type { ItemSuggestion, ItemSuggestionList } from '@/api/types'
import { SUGGEST_DELAY_MS, suggestQuery, useItemSuggest } from './useItemSuggest'

const item = (code: string): ItemSuggestion => ({
  code,
  name: `事项${code}`,
  category_code: code.slice(0, 2),
  category_name: '大类',
  score: 0.5,
  reason: 'text',
})
const list = (...codes: string[]): ItemSuggestionList => {
  const items = codes.map(item)
  return { items, total: items.length, total_exact: true }
}

describe('suggestQuery', () => {
  it('sends the trimmed text and a whole, valid point only', () => {
    expect(suggestQuery({ text: '  摆摊 ', lon: 114.0601234567, lat: 22.6 })).toEqual({
      limit: 5,
      text: '摆摊',
      lng: 114.060123,
      lat: 22.6,
    })
    expect(suggestQuery({ text: ' ', lon: 114.06, lat: null })).toEqual({ limit: 5 })
    expect(suggestQuery({ text: '', lon: 200, lat: 22.6 })).toEqual({ limit: 5 })
  })
})

describe('useItemSuggest', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks at once, then once per pause in typing with the last text', async () => {
    const form = reactive({ text: '', lon: null as number | null, lat: null as number | null })
    const fetch = vi.fn((q: SuggestQuery) => Promise.resolve(list(q.text ? '0801' : '0401')))
    const scope = effectScope()
    const { items } = scope.run(() => useItemSuggest(() => form, fetch))!
    await vi.waitFor(() => expect(items.value.map((i) => i.code)).toEqual(['0401']))
    expect(fetch).toHaveBeenCalledTimes(1)
    for (const t of ['摆', '摆摊', '摆摊卖菜']) {
      form.text = t
      await nextTick()
      vi.advanceTimersByTime(SUGGEST_DELAY_MS / 3)
    }
    expect(fetch).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(SUGGEST_DELAY_MS)
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(fetch).toHaveBeenLastCalledWith({ limit: 5, text: '摆摊卖菜' })
    await vi.waitFor(() => expect(items.value.map((i) => i.code)).toEqual(['0801']))
    // Nothing changed that the server reads: no question.
    form.text = '摆摊卖菜 '
    await nextTick()
    vi.advanceTimersByTime(SUGGEST_DELAY_MS * 2)
    expect(fetch).toHaveBeenCalledTimes(2)
    scope.stop()
  })

  it('drops a late answer to an older question and keeps the row when asking fails', async () => {
    const form = reactive({ text: '', lon: null as number | null, lat: null as number | null })
    const answers: Array<(l: ItemSuggestionList) => void> = []
    let fail = false
    const fetch = vi.fn(
      () =>
        new Promise<ItemSuggestionList>((resolve, reject) => {
          if (fail) reject(new Error('offline'))
          else answers.push(resolve)
        }),
    )
    const scope = effectScope()
    const { items } = scope.run(() => useItemSuggest(() => form, fetch))!
    form.text = '井盖'
    await nextTick()
    vi.advanceTimersByTime(SUGGEST_DELAY_MS)
    expect(answers).toHaveLength(2)
    answers[1]!(list('0408'))
    answers[0]!(list('0101'))
    await vi.waitFor(() => expect(items.value.map((i) => i.code)).toEqual(['0408']))
    await Promise.resolve()
    expect(items.value.map((i) => i.code)).toEqual(['0408'])
    fail = true
    form.text = '井盖丢了'
    await nextTick()
    vi.advanceTimersByTime(SUGGEST_DELAY_MS)
    await Promise.resolve()
    expect(items.value.map((i) => i.code)).toEqual(['0408'])
    scope.stop()
  })
})
