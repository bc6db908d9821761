// The one place that names the server's types: aliases of the generated OpenAPI schemas
// (schema.d.ts, from web/openapi.json by `npm run gen:api`), so regeneration touches no other file.
import type { components } from './schema'

type Schemas = components['schemas']

/** The error envelope `{"error":{"code","message","field"}}` (the ApiError class is in client.ts). */
export type ErrorEnvelope = Schemas['ApiError']

// auth
export type Session = Schemas['Session']
export type LoginRequest = Schemas['LoginRequest']
export type PasswordChange = Schemas['PasswordChange']
export type TotpSetup = Schemas['TotpSetup']
export type TotpCode = Schemas['TotpCode']
export type ApiToken = Schemas['ApiToken']
export type NewToken = Schemas['NewToken']
/** `{info: ApiToken, token}`: the secret is answered only this once. */
export type CreatedToken = Schemas['CreatedToken']

// organisation
export type OrgUnit = Schemas['OrgUnit']
export type OrgUnitList = Schemas['OrgUnitList']
export type OrgUnitNode = Schemas['OrgUnitNode']
export type NewOrgUnit = Schemas['NewOrgUnit']
export type OrgUnitUpdate = Schemas['OrgUnitUpdate']
export type GridWorkers = Schemas['GridWorkers']
export type Department = Schemas['Department']
export type DepartmentList = Schemas['DepartmentList']
export type NewDepartment = Schemas['NewDepartment']
export type DepartmentUpdate = Schemas['DepartmentUpdate']
export type Staff = Schemas['Staff']
export type StaffList = Schemas['StaffList']
export type NewStaff = Schemas['NewStaff']
export type StaffUpdate = Schemas['StaffUpdate']

// system
export type User = Schemas['User']
export type UserList = Schemas['UserList']
export type NewUser = Schemas['NewUser']
export type UserUpdate = Schemas['UserUpdate']
export type PasswordReset = Schemas['PasswordReset']
export type RoleGrant = Schemas['RoleGrant']
export type Role = Schemas['Role']
export type Permission = Schemas['Permission']

// audit
export type AuditLog = Schemas['AuditLog']
export type AuditLogList = Schemas['AuditLogList']
export type LoginLog = Schemas['LoginLog']
export type LoginLogList = Schemas['LoginLogList']

/** The four org levels, top to bottom (the schema types `level` as a string). */
export type OrgLevel = 'district' | 'subdistrict' | 'community' | 'grid'

/** The data scope kinds of docs/API.md (the schema types `data_scope` as a string). */
export type DataScope = 'all' | 'unit_and_below' | 'unit_only' | 'own_grids' | 'own_records' | 'custom'

/** Common list query of every `{items,total}` endpoint. */
export interface PageQuery {
  page?: number
  page_size?: number
}
