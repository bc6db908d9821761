// 综合治理: rental houses, their classes and inspections.
import { http, type Query } from './client'
import type {
  ChecklistItem,
  ClassifyForm,
  InspectionForm,
  PageQuery,
  ProposeTally,
  RentalHouseDetail,
  RentalHouseList,
  RentalInspection,
} from './types'

export interface RentalFilters {
  org_unit_id?: number | null
  risk_class: string
  due_status: string
  q: string
}

/** The filter bar's values as the server's query (empty values left out). */
export function rentalQuery(f: RentalFilters): Query {
  const q: Query = {}
  if (f.org_unit_id != null) q.org_unit_id = f.org_unit_id
  if (f.risk_class) q.risk_class = f.risk_class
  if (f.due_status) q.due_status = f.due_status
  if (f.q.trim()) q.q = f.q.trim()
  return q
}

export const rentalApi = {
  list: (query: Query & PageQuery) => http.get<RentalHouseList>('/api/v1/rental-houses', { ...query }),
  get: (id: number) => http.get<RentalHouseDetail>(`/api/v1/rental-houses/${id}`),
  classify: (id: number, body: ClassifyForm) =>
    http.post<RentalHouseDetail>(`/api/v1/rental-houses/${id}/classify`, body),
  inspect: (id: number, body: InspectionForm) =>
    http.post<RentalInspection>(`/api/v1/rental-houses/${id}/inspections`, body),
  rectified: (id: number) => http.post<RentalInspection>(`/api/v1/rental-inspections/${id}/rectified`, {}),
  checklists: (rentalType?: string | null) =>
    http.get<ChecklistItem[]>('/api/v1/rental-checklists', rentalType ? { rental_type: rentalType } : {}),
  propose: () => http.post<ProposeTally>('/api/v1/rental-houses/propose', {}),
}

/** Element Plus tag types for the four classes (green, yellow, orange, red). */
export const CLASS_TAG: Record<string, 'success' | 'warning' | 'danger' | 'info' | 'primary'> = {
  green: 'success',
  yellow: 'warning',
  orange: 'warning',
  red: 'danger',
}

/** The plate colours, so the tag shows the house plate's colour (RiskClass::hex). */
export const CLASS_COLOUR: Record<string, string> = {
  green: '#2E9E44',
  yellow: '#F2C200',
  orange: '#F07D00',
  red: '#D7191C',
}
