// Client-side checks of a new API key: a name, as long as the server allows.
import type { FormRules } from 'element-plus'

type Translate = (key: string, named?: Record<string, unknown>) => string

export const NAME_MAX = 50

export function apiKeyRules(t: Translate): FormRules {
  return {
    name: [
      { required: true, whitespace: true, message: t('common.required', { field: t('apiKey.name') }), trigger: 'blur' },
      { max: NAME_MAX, message: t('common.maxLength', { field: t('apiKey.name'), max: NAME_MAX }), trigger: 'blur' },
    ],
  }
}
