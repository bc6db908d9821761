// Client-side checks of the building form, with the server's limits (China's extent, 1–200 floors).
import type { FormRules } from 'element-plus'

type Translate = (key: string, named?: Record<string, unknown>) => string
type Callback = (e?: Error) => void

const range = (message: string, min: number, max: number, required: boolean) => ({
  required,
  message,
  trigger: 'blur',
  validator: (_r: unknown, value: number | null | undefined, cb: Callback) => {
    if (value == null) return required ? cb(new Error(message)) : cb()
    return value >= min && value <= max ? cb() : cb(new Error(message))
  },
})

export function buildingRules(t: Translate): FormRules {
  return {
    code: [
      { required: true, message: t('common.required', { field: t('building.code') }), trigger: 'blur' },
      { max: 32, message: t('common.maxLength', { field: t('building.code'), max: 32 }), trigger: 'blur' },
    ],
    name: [
      { required: true, message: t('common.required', { field: t('building.name') }), trigger: 'blur' },
      { max: 100, message: t('common.maxLength', { field: t('building.name'), max: 100 }), trigger: 'blur' },
    ],
    address: [{ max: 200, message: t('common.maxLength', { field: t('building.address'), max: 200 }), trigger: 'blur' }],
    grid_id: [{ required: true, message: t('building.gridRequired'), trigger: 'change' }],
    lon: [range(t('building.lonRange'), 73, 136, true)],
    lat: [range(t('building.latRange'), 3, 54, true)],
    floors: [range(t('building.floorsRange'), 1, 200, false)],
    use_type: [{ required: true, message: t('common.requiredSelect', { field: t('building.useType') }), trigger: 'change' }],
    structure: [{ max: 50, message: t('common.maxLength', { field: t('building.structure'), max: 50 }), trigger: 'blur' }],
    manager: [{ max: 50, message: t('common.maxLength', { field: t('building.manager'), max: 50 }), trigger: 'blur' }],
  }
}
