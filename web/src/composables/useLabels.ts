// Display names of the server's codes: org levels, data scopes, roles, log results.
import { useI18n } from 'vue-i18n'
import type { DataScope, OrgLevel, Role } from '@/api/types'

export function useLabels() {
  const { t, te, locale } = useI18n()

  const levelLabel = (level: OrgLevel | string | null | undefined) =>
    level && te(`level.${level}`) ? t(`level.${level}`) : (level ?? '')

  const dataScopeLabel = (scope: DataScope | string) =>
    te(`dataScope.${scope}`) ? t(`dataScope.${scope}`) : scope

  /** The server's Chinese role name in zh-CN; the built-in English name in en. */
  const roleLabel = (code: string, roles?: readonly Role[]) => {
    const fromServer = roles?.find((r) => r.code === code)?.name
    const key = `roleName.${code}`
    if (locale.value !== 'zh-CN' && te(key)) return t(key)
    return fromServer ?? (te(key) ? t(key) : code)
  }

  const resultLabel = (result: string) => (te(`result.${result}`) ? t(`result.${result}`) : result)

  /** Audit actions and object types: known codes in words, others as sent. */
  const actionLabel = (action: string) => (te(`auditAction.${action}`) ? t(`auditAction.${action}`) : action)
  const objectLabel = (type: string) => (te(`auditObject.${type}`) ? t(`auditObject.${type}`) : type)

  const resultType = (result: string): 'success' | 'warning' | 'danger' =>
    result === 'success' ? 'success' : result === 'denied' ? 'warning' : 'danger'

  return { levelLabel, dataScopeLabel, roleLabel, resultLabel, resultType, actionLabel, objectLabel }
}
