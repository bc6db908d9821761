// Client-side checks of the team form, with the server's limits (name 100, leader 100, note 2000).
import type { FormRules } from 'element-plus'

type Translate = (key: string, named?: Record<string, unknown>) => string

export function teamRules(t: Translate): FormRules {
  const max = (field: string, n: number) => ({ max: n, message: t('common.maxLength', { field: t(field), max: n }), trigger: 'blur' })
  return {
    name: [{ required: true, message: t('common.required', { field: t('watch.name') }), trigger: 'blur' }, max('watch.name', 100)],
    kind: [{ required: true, message: t('common.requiredSelect', { field: t('watch.kind') }), trigger: 'change' }],
    leader_name: [max('watch.leader', 100)],
    org_unit_id: [{ required: true, message: t('common.requiredSelect', { field: t('watch.unit') }), trigger: 'change' }],
    note: [max('watch.note', 2000)],
  }
}
