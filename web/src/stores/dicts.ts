// The server's code tables (GET /api/v1/dicts), loaded once and shared by every dropdown and by the
// tables that show a code's Chinese name.
import { defineStore } from 'pinia'
import { shallowRef, ref } from 'vue'
import { dictApi } from '@/api/registry'
import type { DictEntry, Dicts } from '@/api/types'
import { dictEntries, dictName, dictNames, type DictName } from '@/utils/dict'

export const useDictStore = defineStore('dicts', () => {
  const tables = shallowRef<Dicts | null>(null)
  const loading = ref(false)
  let pending: Promise<Dicts> | null = null

  /** Loads the tables once; later calls answer the same tables. A failure may be retried. */
  function load(): Promise<Dicts> {
    if (tables.value) return Promise.resolve(tables.value)
    if (pending) return pending
    loading.value = true
    pending = dictApi
      .all()
      .then((d) => {
        tables.value = d ?? {}
        return tables.value
      })
      .finally(() => {
        loading.value = false
        pending = null
      })
    return pending
  }

  const options = (table: DictName): DictEntry[] => dictEntries(tables.value, table)
  const name = (table: DictName, code: string | null | undefined): string => dictName(tables.value, table, code)
  const names = (table: DictName, codes: readonly string[] | null | undefined): string[] =>
    dictNames(tables.value, table, codes)

  return { tables, loading, load, options, name, names }
})
