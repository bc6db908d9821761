// Client-side checks of the org unit form, mirroring the server's (which has the final word).
import type { FormRules } from 'element-plus'
import type { OrgLevel } from '@/api/types'
import { checkOrgCode } from '@/utils/orgCode'

type Translate = (key: string, named?: Record<string, unknown>) => string

export function orgUnitRules(t: Translate, ctx: () => { level: OrgLevel; parentCode?: string }): FormRules {
  return {
    name: [
      { required: true, message: t('common.required', { field: t('orgUnit.name') }), trigger: 'blur' },
      { max: 100, message: t('common.maxLength', { field: t('orgUnit.name'), max: 100 }), trigger: 'blur' },
    ],
    code: [
      { required: true, message: t('common.required', { field: t('orgUnit.code') }), trigger: 'blur' },
      {
        trigger: 'blur',
        validator: (_r: unknown, value: string, cb: (e?: Error) => void) => {
          const { level, parentCode } = ctx()
          const issue = value ? checkOrgCode(level, value.trim(), parentCode) : null
          if (!issue) cb()
          else if (issue.kind === 'format') cb(new Error(t('orgUnit.codeFormat', { n: issue.length })))
          else cb(new Error(t('orgUnit.codePrefix', { code: issue.prefix })))
        },
      },
    ],
  }
}
