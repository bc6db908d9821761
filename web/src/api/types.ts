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
export type OrgUnitRef = Schemas['OrgUnitRef']
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

// map (图上办公)
export type MapConfig = Schemas['MapConfig']
/** A layer the server draws; `title` is its Chinese name (the UI shows `map.layer.<name>`). */
export type MapLayerInfo = Schemas['MapLayerInfo']
export type ThematicMetric = Schemas['MetricInfo']
/** A raster tile service under our layers; none when the system runs offline. */
export type BaseMap = Schemas['BaseMap']
/** GeoJSON (RFC 7946), WGS-84. */
export type GeoPoint = Schemas['PointGeometry']
export type GeoPolygon = Schemas['PolygonGeometry']
export type GeoMultiPolygon = Schemas['MultiPolygonGeometry']
/** Where a map feature is: a point, or an area as a MultiPolygon. */
export type GeoGeometry = Schemas['Geometry']
/** An area the client sends (a query shape, a grid's outline): Polygon or MultiPolygon. */
export type GeoArea = Schemas['Area']
/** One layer's features in a box; `truncated`: zoom in for all of them. */
export type MapFeatureCollection = Schemas['FeatureCollection']
export type MapFeature = Schemas['Feature']
export type MapFeatureProperties = Schemas['FeatureProperties']
/** A division's or grid's feature properties. */
export type UnitProperties = Schemas['UnitProperties']
/** A clicked feature's display fields (personal data masked); `link` is the record's web route. */
export type PopupFeature = Schemas['PopupFeature']
export type Popup = Schemas['Popup']
export type CircleArea = Schemas['Circle']
/** POST /map/query: `geometry` or `circle`. */
export type MapQuery = Schemas['MapQuery']
export type QueryCounts = Schemas['QueryCounts']
export type QueryBuilding = Schemas['QueryBuilding']
export type MapQueryResult = Schemas['QueryResult']
export type Thematic = Schemas['Thematic']
export type ThematicValue = Schemas['ThematicValue']
export type Heat = Schemas['Heat']
export type SearchHit = Schemas['SearchHit']
export type RegridRun = Schemas['RegridRun']
export type RegridMove = Schemas['RegridMove']

/** The map's own layers, as the tile and feature endpoints name them (the schema types `name` as a string). */
export type MapLayerName =
  | 'divisions'
  | 'grids'
  | 'buildings'
  | 'key_places'
  | 'key_enterprises'
  | 'cases'
  | 'rental_houses'
  | 'overdue_inspections'
  | 'cameras'
export type QueryRentalHouse = Schemas['QueryRentalHouse']
export type InspectionTask = Schemas['InspectionTask']
export type InspectionTaskList = Schemas['InspectionTaskList']
export type TaskForm = Schemas['TaskForm']
export type Camera = Schemas['Camera']
export type CameraList = Schemas['CameraList']
export type CameraForm = Schemas['CameraForm']
/** The levels the page colours (the server also answers `subdistrict`). */
export type ThematicLevel = 'grid' | 'community'
/** A regrid run's `status` (the schema types it as a string). */
export type RegridStatus = 'running' | 'done' | 'failed'

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
  /** Keyset paging: the rows after this cursor (an answer's `next`), in the list's order. */
  after?: string
  /** The rows before this cursor (an answer's `prev`). */
  before?: string
}

// cases (事件处理)
export type CaseCategory = Schemas['CaseCategory']
export type CaseItem = Schemas['CaseItem']
/** PUT /case-items/{code}: limits as "24h" (natural hours) or "5wd" (working days). */
export type CaseItemInput = Schemas['CaseItemInput']
/** GET /case-items/suggest: an item of the ★ row and why (`text` | `recent` | `nearby`). */
export type ItemSuggestion = Schemas['ItemSuggestion']
export type ItemSuggestionList = Schemas['ItemSuggestionList']
export type SuggestReason = Schemas['SuggestReason']
/** A case as lists show it; `state_name` is the server's Chinese label. */
export type Case = Schemas['Case']
export type CaseList = Schemas['CaseList']
/** A case with its timeline, photos, notices, alerts and the caller's `allowed_actions`. */
export type CaseDetail = Schemas['CaseDetail']
export type NewCase = Schemas['NewCase']
/** The new case with its routing and the possible `duplicates`. */
export type CreatedCase = Schemas['CreatedCase']
export type DuplicateCase = Schemas['DuplicateCase']
/** `POST /cases/{id}/actions`: `action`, the `version` seen, and the fields the action needs. */
export type CaseActionInput = Schemas['ActionInput']
export type MergeInput = Schemas['MergeInput']
export type CaseLocation = Schemas['Location']
export type CasePhoto = Schemas['Photo']
export type TimelineRow = Schemas['TimelineRow']
export type CaseNotice = Schemas['CaseNotice']
export type DepartmentRef = Schemas['DepartmentRef']
export type CaseStats = Schemas['CaseStats']
export type StateCount = Schemas['StateCount']
export type ItemCount = Schemas['ItemCount']
export type DepartmentCount = Schemas['DepartmentCount']
export type CalendarYear = Schemas['CalendarYear']
/** PUT /calendar/{year}: replaces the year's holidays and make-up working days. */
export type CalendarInput = Schemas['CalendarInput']
/** An Open311 API key (接口密钥); `revoked_at` set: no longer accepted. */
export type ApiKey = Schemas['ApiKey']
export type NewApiKey = Schemas['NewApiKey']
/** The key's info with `api_key`, the full key answered only this once. */
export type CreatedApiKey = Schemas['CreatedApiKey']

/** The workflow's states (the schema types `state` as a string). */
export type CaseState =
  | 'reported'
  | 'accepted'
  | 'rejected'
  | 'dispatched'
  | 'handling'
  | 'feedback'
  | 'verified'
  | 'closed'
/** What `allowed_actions` may hold: the workflow's actions plus `merge`. */
export type CaseAction =
  | 'accept'
  | 'reject'
  | 'dispatch'
  | 'start'
  | 'feedback'
  | 'verify'
  | 'close'
  | 'return'
  | 'supervise'
  | 'escalate'
  | 'pause'
  | 'resume'
  | 'extend'
  | 'merge'
/** normal, yellow (80 % of the step's time used), red (overdue). */
export type CaseUrgency = 'normal' | 'yellow' | 'red'
export type CaseSource = 'grid_worker' | 'phone' | 'visit' | 'portal' | 'open311' | 'system'
export type PhotoStage = 'report' | 'feedback'

// ---------- governance: rental houses ----------
export type RentalHouse = Schemas['RentalHouse']
export type RentalHouseList = Schemas['RentalHouseList']
export type RentalHouseDetail = Schemas['RentalHouseDetail']
export type RentalInspection = Schemas['Inspection']
export type RentalInspectionList = Schemas['InspectionList']
export type InspectionForm = Schemas['InspectionForm']
export type ClassifyForm = Schemas['ClassifyForm']
export type ChecklistItem = Schemas['ChecklistItem']
export type ProposeTally = Schemas['ProposeTally']

// ---------- governance: disputes ----------
export type Dispute = Schemas['Dispute']
export type DisputeList = Schemas['DisputeList']
export type DisputeDetail = Schemas['DisputeDetail']
export type DisputeParty = Schemas['Party']
export type DisputeForm = Schemas['DisputeForm']
export type DisputePartyForm = Schemas['PartyForm']
export type DisputeAssignForm = Schemas['AssignForm']
export type DisputeSessionForm = Schemas['SessionForm']
export type DisputeAgreementForm = Schemas['AgreementForm']
export type DisputeFailForm = Schemas['FailForm']
export type DisputeCloseForm = Schemas['CloseForm']
export type DisputeSuperviseForm = Schemas['SuperviseForm']
export type ScreeningRound = Schemas['ScreeningRound']
export type ScreeningRoundList = Schemas['ScreeningRoundList']
export type ScreeningForm = Schemas['ScreeningForm']
export type UnitRounds = Schemas['UnitRounds']
export type UnitRoundsList = Schemas['UnitRoundsList']
export type DisputeTally = Schemas['DisputeTally']
export type TallyRow = Schemas['TallyRow']
// registers
export type IntakeRow = Schemas['IntakeRow']
export type IntakeRegister = Schemas['IntakeRegister']
export type RectificationRow = Schemas['RectificationRow']
export type RectificationRegister = Schemas['RectificationRegister']

// notifications
export type Notification = Schemas['Notification']
export type NotificationList = Schemas['NotificationList']
export type UnreadCount = Schemas['UnreadCount']
export type LiveEvent = Schemas['LiveEvent']
// ---------- governance: notices (文书管理) ----------
export type Notice = Schemas['Notice']
export type NoticeList = Schemas['NoticeList']
export type NoticeTemplate = Schemas['NoticeTemplate']
export type NoticePrefix = Schemas['NoticePrefix']
export type IssueForm = Schemas['IssueForm']
export type ReturnForm = Schemas['ReturnForm']
// ---------- governance settings (治理参数) ----------
export type RentalRules = Schemas['RentalRulesBody']
export type ClassRules = Schemas['ClassRules']
export type ClassRule = Schemas['ClassRule']
export type RuleCondition = Schemas['RuleCondition']
export type InspectionSchedule = Schemas['InspectionSchedule']
export type DisputeSettings = Schemas['DisputeSettings']
export type StepLimit = Schemas['StepLimit']
export type PetitionLimitsBody = Schemas['PetitionLimitsBody']
export type PetitionLimits = Schemas['PetitionLimits']
export type TermDays = Schemas['TermDays']
export type StabilitySettings = Schemas['StabilitySettings']
export type IncidentLevel = Schemas['IncidentLevel']
export type VisitIntervals = Schemas['VisitIntervals']
