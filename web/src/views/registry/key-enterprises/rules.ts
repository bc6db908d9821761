// Client-side checks of the key enterprise form, with the server's limits; the server decides.
import type { FormRules } from 'element-plus'
import {
  creditCodeRule,
  latRule,
  lonRule,
  maxLen,
  phoneRule,
  rangeRule,
  required,
  requiredSelect,
  type Translate,
} from '../places'

export function keyEnterpriseRules(t: Translate): FormRules {
  const l = (k: string) => t(`keyEnterprise.${k}`)
  return {
    name: [required(t, l('name')), maxLen(t, l('name'), 100)],
    credit_code: [creditCodeRule(t)],
    industry: [requiredSelect(t, l('industry'))],
    hazard_class: [maxLen(t, l('hazardClass'), 10)],
    staff_count: [rangeRule(t('keyEnterprise.staffCountRange'), 0, 1_000_000)],
    licence_numbers: [maxLen(t, l('licenceNumbers'), 200)],
    address: [maxLen(t, t('place.address'), 200)],
    lon: [lonRule(t)],
    lat: [latRule(t)],
    org_unit_id: [requiredSelect(t, t('place.orgUnit'))],
    person_in_charge: [maxLen(t, t('place.personInCharge'), 50)],
    phone: [phoneRule(t)],
  }
}
