// The rental houses due and overdue in the worker's grids (the server's scope), with their
// buildings' positions and the phone's fix: the list 今日 and 巡查 both show.
import { ref, shallowRef } from 'vue'
import { rentalApi } from '@/api/governance'
import { buildingApi } from '@/api/registry'
import type { RentalHouse } from '@/api/types'
import { currentFix, type Fix, type LonLat } from './geo'
import { rankHouses, type Ranked } from './today'

/** A grid holds a few hundred buildings at most; one page covers it. */
const PAGE = 500

export function useDueHouses() {
  const rows = shallowRef<Ranked<RentalHouse>[]>([])
  const fix = shallowRef<Fix | null>(null)
  const loading = ref(false)

  async function load() {
    loading.value = true
    try {
      const [overdue, due, buildings, here] = await Promise.all([
        rentalApi.list({ due_status: 'overdue', page_size: PAGE }),
        rentalApi.list({ due_status: 'due', page_size: PAGE }),
        buildingApi.list({ page_size: PAGE }).catch(() => ({ items: [] as { id: number; lon: number; lat: number }[] })),
        currentFix(),
      ])
      const positions = new Map<number, LonLat>(buildings.items.map((b) => [b.id, { lon: b.lon, lat: b.lat }]))
      fix.value = here
      rows.value = rankHouses([...overdue.items, ...due.items], positions, here)
    } finally {
      loading.value = false
    }
  }

  return { rows, fix, loading, load }
}
