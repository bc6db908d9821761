// Client-side checks of the department form.
import type { FormRules } from 'element-plus'
import { isValidPhone } from '@/utils/phone'

type Translate = (key: string, named?: Record<string, unknown>) => string


export function departmentRules(t: Translate): FormRules {
  const required = (field: string) => ({
    required: true,
    message: t('common.required', { field: t(field) }),
    trigger: 'blur',
  })
  return {
    code: [required('department.code'), { max: 32, message: t('common.maxLength', { field: t('department.code'), max: 32 }), trigger: 'blur' }],
    name: [required('department.name'), { max: 100, message: t('common.maxLength', { field: t('department.name'), max: 100 }), trigger: 'blur' }],
    org_unit_id: [{ required: true, message: t('common.requiredSelect', { field: t('department.orgUnit') }), trigger: 'change' }],
    phone: [
      {
        trigger: 'blur',
        validator: (_r: unknown, value: string, cb: (e?: Error) => void) =>
          !value || isValidPhone(value) ? cb() : cb(new Error(t('staff.phoneFormat'))),
      },
    ],
    duties: [{ max: 1000, message: t('common.maxLength', { field: t('department.duties'), max: 1000 }), trigger: 'blur' }],
  }
}
