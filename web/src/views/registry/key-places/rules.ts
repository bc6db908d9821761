// Client-side checks of the key place form, with the server's limits; the server decides.
import type { FormRules } from 'element-plus'
import { latRule, lonRule, maxLen, phoneRule, required, requiredSelect, type Translate } from '../places'

export function keyPlaceRules(t: Translate): FormRules {
  const l = (k: string) => t(`keyPlace.${k}`)
  return {
    name: [required(t, l('name')), maxLen(t, l('name'), 100)],
    place_type: [requiredSelect(t, l('placeType'))],
    address: [maxLen(t, t('place.address'), 200)],
    lon: [lonRule(t)],
    lat: [latRule(t)],
    org_unit_id: [requiredSelect(t, t('place.orgUnit'))],
    owner: [maxLen(t, l('owner'), 100)],
    person_in_charge: [maxLen(t, t('place.personInCharge'), 50)],
    phone: [phoneRule(t)],
  }
}
