// 治理参数: the governance settings an administrator edits, each read and saved whole. A refused
// value answers 422 with `error.field` the value's path (`limits.mediate`).
import { http } from './client'
import type { ChecklistItem, DisputeSettings, PetitionLimitsBody, RentalRules, StabilitySettings } from './types'

export const settingsApi = {
  rental: () => http.get<RentalRules>('/api/v1/rental-rules'),
  saveRental: (body: RentalRules) => http.put<RentalRules>('/api/v1/rental-rules', body),
  checklists: () => http.get<ChecklistItem[]>('/api/v1/rental-checklists'),
  disputes: () => http.get<DisputeSettings>('/api/v1/dispute-settings'),
  saveDisputes: (body: DisputeSettings) => http.put<DisputeSettings>('/api/v1/dispute-settings', body),
  petitions: () => http.get<PetitionLimitsBody>('/api/v1/petition-limits'),
  savePetitions: (body: PetitionLimitsBody) => http.put<PetitionLimitsBody>('/api/v1/petition-limits', body),
  stability: () => http.get<StabilitySettings>('/api/v1/stability-settings'),
  saveStability: (body: StabilitySettings) => http.put<StabilitySettings>('/api/v1/stability-settings', body),
}
