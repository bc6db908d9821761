// 电子防控: the filtered, paged camera register and the form's state.
import { cameraApi } from '@/api/governanceMap'
import type { Camera, CameraForm, PageQuery } from '@/api/types'
import type { Query } from '@/api/client'
import { paging, usePagedList } from '@/composables/usePagedList'

export interface CameraFilters {
  org_unit_id?: number | null
  kind: string
  status: string
  q: string
}

export const emptyCameraFilters = (): CameraFilters => ({ org_unit_id: null, kind: '', status: '', q: '' })

export function cameraQuery(f: CameraFilters): Query {
  const q: Query = {}
  if (f.org_unit_id != null) q.org_unit_id = f.org_unit_id
  if (f.kind) q.kind = f.kind
  if (f.status) q.status = f.status
  if (f.q.trim()) q.q = f.q.trim()
  return q
}

export function useCameras() {
  return usePagedList((f: CameraFilters & PageQuery) => cameraApi.list({ ...cameraQuery(f), ...paging(f) }), emptyCameraFilters)
}

export interface CameraState {
  code: string
  name: string
  kind: string
  status: string
  lon: number | null
  lat: number | null
  installed_on: string
  note: string
}

export const emptyCamera = (): CameraState => ({
  code: '',
  name: '',
  kind: 'hd',
  status: 'online',
  lon: null,
  lat: null,
  installed_on: '',
  note: '',
})

export const cameraState = (c: Camera): CameraState => ({
  code: c.code,
  name: c.name,
  kind: c.kind,
  status: c.status,
  lon: c.lon,
  lat: c.lat,
  installed_on: c.installed_on ?? '',
  note: c.note,
})

export function cameraBody(s: CameraState): CameraForm {
  return {
    code: s.code.trim(),
    name: s.name.trim(),
    kind: s.kind,
    status: s.status,
    lon: Number(s.lon),
    lat: Number(s.lat),
    installed_on: s.installed_on || null,
    note: s.note.trim() || null,
  }
}
