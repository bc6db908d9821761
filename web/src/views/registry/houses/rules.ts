// Client-side checks of the house form, with the server's limits.
import type { FormRules } from 'element-plus'

type Translate = (key: string, named?: Record<string, unknown>) => string
type Callback = (e?: Error) => void

export function houseRules(t: Translate): FormRules {
  return {
    building_id: [{ required: true, message: t('common.requiredSelect', { field: t('house.building') }), trigger: 'change' }],
    room: [
      { required: true, message: t('common.required', { field: t('house.room') }), trigger: 'blur' },
      { max: 20, message: t('common.maxLength', { field: t('house.room'), max: 20 }), trigger: 'blur' },
    ],
    area: [
      {
        trigger: 'blur',
        validator: (_r: unknown, value: number | null | undefined, cb: Callback) =>
          value == null || (value > 0 && value < 100000) ? cb() : cb(new Error(t('house.areaRange'))),
      },
    ],
    use_type: [{ required: true, message: t('common.requiredSelect', { field: t('house.useType') }), trigger: 'change' }],
    rental_use: [{ max: 50, message: t('common.maxLength', { field: t('house.rentalUse'), max: 50 }), trigger: 'blur' }],
    owner_org: [{ max: 100, message: t('common.maxLength', { field: t('house.ownerOrg'), max: 100 }), trigger: 'blur' }],
  }
}
