// 站内消息: one's inbox, the bell's count, marking read, and the live stream (SSE).
import { http } from './client'
import type { NotificationList, PageQuery, UnreadCount } from './types'

export const notificationsApi = {
  list: (query: PageQuery & { unread?: boolean }) => http.get<NotificationList>('/api/v1/notifications', { ...query }),
  unread: () => http.get<UnreadCount>('/api/v1/notifications/unread-count'),
  read: (id: number) => http.post<UnreadCount>(`/api/v1/notifications/${id}/read`, {}),
  readAll: () => http.post<UnreadCount>('/api/v1/notifications/read-all', {}),
}

/** The event stream's URL (same origin: the session cookie goes with it). */
export const EVENTS_URL = '/api/v1/events'
