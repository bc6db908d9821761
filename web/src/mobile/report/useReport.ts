// 上报 on the phone: photos compressed as they are chosen, the GPS fix (movable), the item from
// the ★ row or the picker, one line, then one submit that creates the case and uploads the photos.
import { computed, reactive, ref, shallowRef } from 'vue'
import { caseApi } from '@/api/cases'
import { orgUnitApi } from '@/api/org'
import type { CaseCategory, CreatedCase, OrgUnit } from '@/api/types'
import { useAuthStore } from '@/stores/auth'
import { reportBody, emptyReportForm } from '@/views/cases/report/useCaseReport'
import { currentFix, type LonLat } from '../geo'
import { compressPhoto } from './compress'
import { InputCounter, type ReportInput } from './inputs'
import { enabledCodes, recentItems, suggestItems, type ItemChoice } from './items'

export interface PhotoDraft {
  file: File
  url: string
}

export type Missing = 'item' | 'text' | 'location'

export function useReport() {
  const auth = useAuthStore()
  const categories = shallowRef<CaseCategory[]>([])
  const grids = shallowRef<Pick<OrgUnit, 'id' | 'name' | 'geometry'>[]>([])
  const photos = ref<PhotoDraft[]>([])
  const compressing = ref(0)
  const point = ref<LonLat | null>(null)
  const accuracy = ref<number | null>(null)
  const locating = ref(true)
  const item = ref<ItemChoice | null>(null)
  const text = ref('')
  const stars = shallowRef<ItemChoice[]>([])
  const starsAreRecent = ref(false)
  const sending = ref(false)
  const receipt = shallowRef<{ created: CreatedCase; photos: number } | null>(null)
  const counter = new InputCounter()
  const inputs = ref(0)

  function count(kind: ReportInput) {
    counter.add(kind)
    inputs.value = counter.count
  }

  const missing = computed<Missing[]>(() => {
    const m: Missing[] = []
    if (!item.value) m.push('item')
    if (!text.value.trim()) m.push('text')
    if (!point.value) m.push('location')
    return m
  })

  /** The ★ row: the server's suggestions, or (no such route yet) my recent cases' items. */
  async function suggest() {
    const s = await suggestItems(text.value, point.value?.lon, point.value?.lat)
    if (s !== null) {
      stars.value = s
      starsAreRecent.value = false
      return
    }
    if (starsAreRecent.value && stars.value.length) return
    const mine = await caseApi.list({ source: 'grid_worker', page_size: 50 }).catch(() => ({ items: [] }))
    const name = auth.user?.display_name
    const own = mine.items.filter((c) => !name || c.reporter_name === name)
    stars.value = recentItems(own, enabledCodes(categories.value))
    starsAreRecent.value = true
  }

  async function load() {
    const [cats, units] = await Promise.allSettled([
      caseApi.categories(),
      auth.can('org:read') ? orgUnitApi.list({ level: 'grid', page_size: 500 }) : Promise.resolve({ items: [] }),
    ])
    if (cats.status === 'fulfilled') categories.value = cats.value
    if (units.status === 'fulfilled') grids.value = units.value.items.filter((u) => u.geometry)
    const fix = await currentFix()
    locating.value = false
    if (fix) {
      point.value = { lon: fix.lon, lat: fix.lat }
      accuracy.value = fix.accuracy
    }
    await suggest()
  }

  async function addPhotos(files: readonly File[]) {
    if (!files.length) return
    count('photo')
    compressing.value += files.length
    for (const f of files) {
      try {
        const small = await compressPhoto(f)
        photos.value = [...photos.value, { file: small, url: URL.createObjectURL(small) }]
      } finally {
        compressing.value -= 1
      }
    }
  }

  function removePhoto(i: number) {
    const [gone] = photos.value.splice(i, 1)
    if (gone) URL.revokeObjectURL(gone.url)
  }

  function movePin(lon: number, lat: number) {
    count('pin')
    point.value = { lon, lat }
    accuracy.value = null
  }

  function typed() {
    count('text')
  }

  function choose(i: ItemChoice, kind: ReportInput = 'item') {
    count(kind)
    item.value = i
  }

  /** Creates the case, then uploads the photos: one step for the worker. */
  async function submit(): Promise<boolean> {
    count('submit')
    if (missing.value.length || compressing.value > 0) return false
    sending.value = true
    try {
      const form = {
        ...emptyReportForm(),
        item: [item.value!.code],
        description: text.value,
        source: 'visit',
        lon: point.value!.lon,
        lat: point.value!.lat,
      }
      const created = await caseApi.create(reportBody(form, auth.roles.includes('grid_worker')))
      let sent = 0
      for (const p of photos.value) {
        await caseApi.uploadPhoto(created.id, 'report', p.file, p.file.name)
        sent += 1
      }
      receipt.value = { created, photos: sent }
      return true
    } finally {
      sending.value = false
    }
  }

  function again() {
    for (const p of photos.value) URL.revokeObjectURL(p.url)
    photos.value = []
    item.value = null
    text.value = ''
    receipt.value = null
    counter.reset()
    inputs.value = 0
    // The item just used leads the recent ones now.
    starsAreRecent.value = false
    void suggest()
  }

  return reactive({
    categories,
    grids,
    photos,
    compressing,
    point,
    accuracy,
    locating,
    item,
    text,
    stars,
    starsAreRecent,
    sending,
    receipt,
    inputs,
    missing,
    load,
    suggest,
    addPhotos,
    removePhoto,
    movePin,
    typed,
    choose,
    submit,
    again,
    count,
  })
}
