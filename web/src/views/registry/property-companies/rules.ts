// Client-side checks of the property company form, with the server's limits; the server decides.
import type { FormRules } from 'element-plus'
import { creditCodeRule, maxLen, phoneRule, required, requiredSelect, type Translate } from '../places'

export function propertyCompanyRules(t: Translate): FormRules {
  const l = (k: string) => t(`propertyCompany.${k}`)
  return {
    name: [required(t, l('name')), maxLen(t, l('name'), 100)],
    credit_code: [creditCodeRule(t)],
    contact: [maxLen(t, l('contact'), 50)],
    phone: [phoneRule(t)],
    address: [maxLen(t, t('place.address'), 200)],
    org_unit_id: [requiredSelect(t, t('place.orgUnit'))],
  }
}
