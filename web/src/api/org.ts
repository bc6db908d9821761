// Endpoints of the organisation area: org units and their grid workers, departments, staff.
import { http } from './client'
import type {
  Department,
  DepartmentList,
  DepartmentUpdate,
  NewDepartment,
  NewOrgUnit,
  NewStaff,
  OrgLevel,
  OrgUnit,
  OrgUnitList,
  OrgUnitUpdate,
  PageQuery,
  Staff,
  StaffList,
  StaffUpdate,
} from './types'

export interface OrgUnitQuery extends PageQuery {
  /** The children of this unit. */
  parent_id?: number
  /** One level, or several separated by commas. */
  level?: OrgLevel | string
  /** Part of the name or the start of the code. */
  q?: string
  /** Only the roots of the caller's tree. */
  roots?: boolean
  /** `false`: without each unit's geometry. */
  geometry?: boolean
}

export interface OrgFilterQuery extends PageQuery {
  org_unit_id?: number
  q?: string
}

export const orgUnitApi = {
  list: (query: OrgUnitQuery = {}) => http.get<OrgUnitList>('/api/v1/org-units', { ...query }),
  /** `silent`: a unit out of scope or gone is not announced (a picker's label falls back quietly). */
  get: (id: number, silent = false) => http.get<OrgUnit>(`/api/v1/org-units/${id}`, undefined, { silent }),
  create: (body: NewOrgUnit) => http.post<OrgUnit>('/api/v1/org-units', body),
  update: (id: number, body: OrgUnitUpdate) => http.put<OrgUnit>(`/api/v1/org-units/${id}`, body),
  remove: (id: number) => http.del(`/api/v1/org-units/${id}`),
  gridWorkers: (id: number) => http.get<Staff[]>(`/api/v1/org-units/${id}/grid-workers`),
  setGridWorkers: (id: number, staffIds: number[]) =>
    http.put<Staff[]>(`/api/v1/org-units/${id}/grid-workers`, { staff_ids: staffIds }),
}

export const departmentApi = {
  list: (query: OrgFilterQuery = {}) => http.get<DepartmentList>('/api/v1/departments', { ...query }),
  get: (id: number) => http.get<Department>(`/api/v1/departments/${id}`),
  create: (body: NewDepartment) => http.post<Department>('/api/v1/departments', body),
  update: (id: number, body: DepartmentUpdate) => http.put<Department>(`/api/v1/departments/${id}`, body),
  remove: (id: number) => http.del(`/api/v1/departments/${id}`),
}

export const staffApi = {
  list: (query: OrgFilterQuery = {}) => http.get<StaffList>('/api/v1/staff', { ...query }),
  get: (id: number) => http.get<Staff>(`/api/v1/staff/${id}`),
  create: (body: NewStaff) => http.post<Staff>('/api/v1/staff', body),
  update: (id: number, body: StaffUpdate) => http.put<Staff>(`/api/v1/staff/${id}`, body),
  remove: (id: number) => http.del(`/api/v1/staff/${id}`),
}
