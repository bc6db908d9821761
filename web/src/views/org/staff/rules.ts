// Client-side checks of the staff form.
import type { FormRules } from 'element-plus'
import { isValidPhone } from '@/utils/phone'

type Translate = (key: string, named?: Record<string, unknown>) => string

export function staffRules(t: Translate): FormRules {
  return {
    name: [
      { required: true, message: t('common.required', { field: t('staff.name') }), trigger: 'blur' },
      { max: 50, message: t('common.maxLength', { field: t('staff.name'), max: 50 }), trigger: 'blur' },
    ],
    gender: [{ required: true, message: t('common.requiredSelect', { field: t('staff.gender') }), trigger: 'change' }],
    org_unit_id: [{ required: true, message: t('common.requiredSelect', { field: t('staff.orgUnit') }), trigger: 'change' }],
    phone: [
      {
        trigger: 'blur',
        validator: (_r: unknown, value: string, cb: (e?: Error) => void) => {
          // The phone is optional; on edit the list shows it masked, so empty keeps the stored one.
          if (!value) return cb()
          return isValidPhone(value) ? cb() : cb(new Error(t('staff.phoneFormat')))
        },
      },
    ],
    post: [{ max: 32, message: t('common.maxLength', { field: t('staff.post'), max: 32 }), trigger: 'blur' }],
  }
}
