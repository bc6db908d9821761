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

// registry (基础信息)
export type DictEntry = Schemas['DictEntry']
/** GET /api/v1/dicts: code tables by name (`id_types`, `genders`, …), each `[{code,name}]`. */
export type Dicts = Record<string, DictEntry[]>
export type Building = Schemas['Building']
export type BuildingInput = Schemas['BuildingInput']
export type BuildingList = Schemas['BuildingList']
export type House = Schemas['House']
export type HouseInput = Schemas['HouseInput']
export type HouseList = Schemas['HouseList']
/** `{house, building, residences}`: occupants past and present, names masked. */
export type HouseDetail = Schemas['HouseDetail']
export type Resident = Schemas['Resident']
export type ResidentList = Schemas['ResidentList']
export type ResidentDetail = Schemas['ResidentDetail']
export type ResidentForm = Schemas['ResidentForm']
/** A resident living in a house from `since` to `until` (null: living there now). */
export type Residence = Schemas['Residence']
export type MoveIn = Schemas['MoveIn']
export type MoveOut = Schemas['MoveOut']
export type UnitSummary = Schemas['UnitSummary']
export type ImportStarted = Schemas['ImportStarted']
export type ImportJob = Schemas['ImportJob']
export type Rejection = Schemas['Rejection']
/** 物业公司; `phone` comes masked. */
export type PropertyCompany = Schemas['PropertyCompany']
export type PropertyCompanyInput = Schemas['PropertyCompanyInput']
export type PropertyCompanyList = Schemas['PropertyCompanyList']
/** 重点场所; `phone` comes masked. */
export type KeyPlace = Schemas['KeyPlace']
export type KeyPlaceInput = Schemas['KeyPlaceInput']
export type KeyPlaceList = Schemas['KeyPlaceList']
/** 重点企业; `phone` comes masked. */
export type KeyEnterprise = Schemas['KeyEnterprise']
export type KeyEnterpriseInput = Schemas['KeyEnterpriseInput']
export type KeyEnterpriseList = Schemas['KeyEnterpriseList']
/** A resident's 特殊人群 record (every read is audited on the server). */
export type SpecialGroupRecord = Schemas['SpecialGroupRecord']
export type SpecialGroupInput = Schemas['SpecialGroupInput']

/** What an import reads (the schema types `kind` as a string). */
export type ImportKind = 'residents' | 'buildings' | 'houses'
/** all_or_nothing: any error and nothing is written; valid_rows: the correct rows are written. */
export type ImportMode = 'all_or_nothing' | 'valid_rows'
export type ImportStatus = 'queued' | 'running' | 'done' | 'failed'

/** The four org levels, top to bottom (the schema types `level` as a string). */
export type OrgLevel = 'district' | 'subdistrict' | 'community' | 'grid'

/** The data scope kinds of docs/API.md (the schema types `data_scope` as a string). */
export type DataScope = 'all' | 'unit_and_below' | 'unit_only' | 'own_grids' | 'own_records' | 'custom'

/** Common list query of every `{items,total}` endpoint. */
export interface PageQuery {
  page?: number
  page_size?: number
}
