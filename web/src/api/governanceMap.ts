// 综合治理 on the map: inspection tasks given from the map, and the camera register (电子防控).
import { http, type Query } from './client'
import type { Camera, CameraForm, CameraList, InspectionTask, InspectionTaskList, PageQuery, TaskForm } from './types'

export const taskApi = {
  assign: (body: TaskForm) => http.post<InspectionTask[]>('/api/v1/inspection-tasks', body),
  list: (query: Query & PageQuery) => http.get<InspectionTaskList>('/api/v1/inspection-tasks', { ...query }),
}

export const cameraApi = {
  list: (query: Query & PageQuery) => http.get<CameraList>('/api/v1/cameras', { ...query }),
  create: (body: CameraForm) => http.post<Camera>('/api/v1/cameras', body),
  update: (id: number, body: CameraForm) => http.put<Camera>(`/api/v1/cameras/${id}`, body),
  remove: (id: number) => http.del<void>(`/api/v1/cameras/${id}`),
}

export const CAMERA_KINDS = ['hd', 'face', 'vehicle', 'other'] as const
export const CAMERA_STATUSES = ['online', 'offline', 'fault'] as const
