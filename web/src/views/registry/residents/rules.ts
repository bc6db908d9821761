// Client-side checks of the resident form, in the server's words; the server has the final word.
import type { FormRules } from 'element-plus'
import { checkIdNumber } from '@/utils/idNumber'
import { isValidPhone } from '@/utils/phone'
import type { ResidentFormState } from './useResidents'

type Translate = (key: string, named?: Record<string, unknown>) => string
type Callback = (e?: Error) => void

/** The Chinese reason an identity number is not accepted, or null when it is. */
export function idNumberError(t: Translate, idType: string, value: string, today = new Date()): string | null {
  const v = value.trim()
  if (!v) return null
  if (idType === 'id_card') {
    const r = checkIdNumber(v, today)
    if (r.ok) return null
    const { code, ...named } = r.issue
    return t(`idNumber.${code}`, named)
  }
  return /^[A-Za-z0-9]{5,30}$/.test(v) ? null : t('resident.otherIdFormat')
}

const DIVISION_CODE = /^\d{6}(\d{6})?$/

export function residentRules(t: Translate, form: ResidentFormState, creating: () => boolean): FormRules {
  const max = (field: string, n: number) => ({
    max: n,
    message: t('common.maxLength', { field: t(`resident.${field}`), max: n }),
    trigger: 'blur',
  })
  return {
    name: [
      { required: true, message: t('common.required', { field: t('resident.name') }), trigger: 'blur' },
      max('name', 50),
    ],
    id_type: [{ required: true, message: t('common.requiredSelect', { field: t('resident.idType') }), trigger: 'change' }],
    id_number: [
      { required: true, message: t('common.required', { field: t('resident.idNumber') }), trigger: 'blur' },
      {
        trigger: 'blur',
        validator: (_r: unknown, value: string, cb: Callback) => {
          const e = idNumberError(t, form.id_type, value ?? '')
          return e ? cb(new Error(e)) : cb()
        },
      },
    ],
    registration_type: [
      { required: true, message: t('common.requiredSelect', { field: t('resident.registrationType') }), trigger: 'change' },
    ],
    gender: [
      {
        trigger: 'change',
        validator: (_r: unknown, value: string, cb: Callback) =>
          form.id_type !== 'id_card' && !value ? cb(new Error(t('resident.genderRequired'))) : cb(),
      },
    ],
    phone: [
      {
        trigger: 'blur',
        validator: (_r: unknown, value: string, cb: Callback) =>
          !value || isValidPhone(value) ? cb() : cb(new Error(t('resident.phoneFormat'))),
      },
    ],
    nationality: [
      {
        trigger: 'blur',
        validator: (_r: unknown, value: string, cb: Callback) => {
          const v = (value ?? '').trim()
          if (!v) return form.registration_type === 'foreign' ? cb(new Error(t('resident.nationalityRequired'))) : cb()
          return /^[A-Za-z]{3}$/.test(v) ? cb() : cb(new Error(t('resident.nationalityFormat')))
        },
      },
    ],
    native_place_code: [divisionRule(t)],
    registered_address_code: [divisionRule(t)],
    former_name: [max('formerName', 50)],
    registered_address: [max('registeredAddress', 200)],
    current_address: [max('currentAddress', 200)],
    education: [max('education', 20)],
    marital_status: [max('maritalStatus', 20)],
    political_status: [max('politicalStatus', 20)],
    occupation: [max('occupation', 50)],
    employer: [max('employer', 100)],
    house_id: [
      {
        trigger: 'change',
        validator: (_r: unknown, _v: unknown, cb: Callback) =>
          creating() && form.place === 'house' && form.house_id == null ? cb(new Error(t('resident.houseRequired'))) : cb(),
      },
    ],
    org_unit_id: [
      {
        trigger: 'change',
        validator: (_r: unknown, _v: unknown, cb: Callback) =>
          creating() && form.place === 'unit' && form.org_unit_id == null ? cb(new Error(t('resident.unitRequired'))) : cb(),
      },
    ],
  }
}

function divisionRule(t: Translate) {
  return {
    trigger: 'blur',
    validator: (_r: unknown, value: string, cb: Callback) =>
      !value || DIVISION_CODE.test(value.trim()) ? cb() : cb(new Error(t('resident.divisionCodeFormat'))),
  }
}
