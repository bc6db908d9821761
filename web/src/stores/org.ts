// The caller's org tree, loaded a level at a time and shared by the pickers and pages: the roots of
// their data scope, the children of each opened unit, single units by id, and a server-side search.
// A district's whole tree is thousands of units; nothing here asks for all of it.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { orgUnitApi, type OrgUnitQuery } from '@/api/org'
import type { OrgLevel, OrgUnit } from '@/api/types'
import { useAuthStore } from '@/stores/auth'

/** The server's largest page: one level of the tree is rarely more. */
const PAGE = 500

/** Every unit the query finds, page after page, without their shapes (a tree draws none). */
async function all(query: OrgUnitQuery): Promise<OrgUnit[]> {
  const out: OrgUnit[] = []
  for (let page = 1; ; page++) {
    const answer = await orgUnitApi.list({ ...query, geometry: false, page, page_size: PAGE })
    out.push(...answer.items)
    if (answer.items.length < PAGE || out.length >= answer.total) return out
  }
}

export const useOrgStore = defineStore('org', () => {
  const auth = useAuthStore()
  /** Bumped when the tree changed (a unit saved or deleted): pickers and pages start over. */
  const version = ref(0)
  let owner: number | undefined
  let roots: Promise<OrgUnit[]> | null = null
  const children = new Map<number, Promise<OrgUnit[]>>()
  const units = new Map<number, Promise<OrgUnit>>()

  /** Another user's tree is not this one's (a logout and login without a reload). */
  function own() {
    const me = auth.user?.id
    if (me !== owner) {
      owner = me
      forget()
    }
  }

  function forget() {
    roots = null
    children.clear()
    units.clear()
  }

  /** Remembers answers by id, so a unit met in a list is not fetched again. */
  function keep(list: OrgUnit[]): OrgUnit[] {
    for (const u of list) units.set(u.id, Promise.resolve(u))
    return list
  }

  /** A failed request is not remembered: the next call asks again. */
  function cached<K, V>(map: Map<K, Promise<V>>, key: K, fetch: () => Promise<V>): Promise<V> {
    const hit = map.get(key)
    if (hit) return hit
    const p = fetch()
    map.set(key, p)
    p.catch(() => {
      if (map.get(key) === p) map.delete(key)
    })
    return p
  }

  /** The roots of the caller's tree: their unit, or their grids, or the district. */
  function rootUnits(): Promise<OrgUnit[]> {
    own()
    if (!roots) {
      const p = all({ roots: true }).then(keep)
      roots = p
      p.catch(() => {
        if (roots === p) roots = null
      })
    }
    return roots
  }

  /** The units right below `id` that the caller can see. */
  function childUnits(id: number): Promise<OrgUnit[]> {
    own()
    return cached(children, id, () => all({ parent_id: id }).then(keep))
  }

  /** One unit (rejects when it is out of scope or gone). */
  function unit(id: number): Promise<OrgUnit> {
    own()
    return cached(units, id, () => orgUnitApi.get(id, true))
  }

  /** Units whose name holds `q` or whose code starts with it, shallow ones first; not cached. */
  async function search(q: string, levels?: readonly OrgLevel[], limit = 30): Promise<OrgUnit[]> {
    own()
    const level = levels?.length ? levels.join(',') : undefined
    const answer = await orgUnitApi.list({ q, level, geometry: false, page_size: limit })
    return answer.items
  }

  /** After a write: what was loaded may be stale. */
  function invalidate() {
    forget()
    version.value++
  }

  return { version, roots: rootUnits, children: childUnits, unit, search, invalidate }
})

/** A unit's path for a search hit, e.g. 平湖街道 / 良安田社区: its ancestors without the caller's
 * single root (which every unit shares). */
export function unitPath(u: OrgUnit, roots: readonly OrgUnit[]): string {
  const above = u.ancestors ?? []
  const skip = roots.length === 1 && above[0]?.id === roots[0]?.id ? 1 : 0
  return above
    .slice(skip)
    .map((a) => a.name)
    .join(' / ')
}
