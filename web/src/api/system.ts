// Endpoints of system management: users, roles, permissions.
import { http } from './client'
import type { NewUser, PageQuery, Permission, Role, User, UserList, UserUpdate } from './types'

export interface UserQuery extends PageQuery {
  q?: string
  org_unit_id?: number
  role?: string
}

export const userApi = {
  list: (query: UserQuery = {}) => http.get<UserList>('/api/v1/users', { ...query }),
  get: (id: number) => http.get<User>(`/api/v1/users/${id}`),
  create: (body: NewUser) => http.post<User>('/api/v1/users', body),
  update: (id: number, body: UserUpdate) => http.put<User>(`/api/v1/users/${id}`, body),
  lock: (id: number) => http.post<User>(`/api/v1/users/${id}/lock`),
  unlock: (id: number) => http.post<User>(`/api/v1/users/${id}/unlock`),
  resetPassword: (id: number, password: string) =>
    http.post<void>(`/api/v1/users/${id}/password`, { password }),
  setRoles: (id: number, roleCodes: string[]) =>
    http.put<User>(`/api/v1/users/${id}/roles`, { role_codes: roleCodes }),
}

export const roleApi = {
  list: () => http.get<{ items: Role[] }>('/api/v1/roles').then((l) => l.items),
  permissions: () => http.get<{ items: Permission[] }>('/api/v1/permissions').then((l) => l.items),
}
