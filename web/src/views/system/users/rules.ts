// Client-side checks of the user forms; the password rule mirrors the server's policy.
import type { FormRules } from 'element-plus'
import { passwordPolicyRule } from '@/utils/passwordRule'
import { isValidPhone } from '@/utils/phone'

type Translate = (key: string, named?: Record<string, unknown>) => string

/** As the server checks it: 3–50 ASCII letters, digits, underscores, dots or hyphens. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,50}$/

export function userRules(t: Translate, username: () => string, creating: () => boolean): FormRules {
  const rules: FormRules = {
    display_name: [
      { required: true, message: t('common.required', { field: t('user.displayName') }), trigger: 'blur' },
      { max: 50, message: t('common.maxLength', { field: t('user.displayName'), max: 50 }), trigger: 'blur' },
    ],
    org_unit_id: [{ required: true, message: t('common.requiredSelect', { field: t('user.orgUnit') }), trigger: 'change' }],
  }
  if (creating()) {
    rules.username = [
      { required: true, message: t('common.required', { field: t('user.username') }), trigger: 'blur' },
      { pattern: USERNAME_PATTERN, message: t('user.usernameFormat'), trigger: 'blur' },
    ]
    rules.phone = [
      {
        trigger: 'blur',
        validator: (_r: unknown, value: string, cb: (e?: Error) => void) =>
          !value || isValidPhone(value) ? cb() : cb(new Error(t('staff.phoneFormat'))),
      },
    ]
    rules.password = [
      { required: true, message: t('common.required', { field: t('user.password') }), trigger: 'blur' },
      passwordPolicyRule(t, username),
    ]
  }
  return rules
}

export function resetPasswordRules(t: Translate, username: () => string): FormRules {
  return {
    password: [
      { required: true, message: t('common.required', { field: t('user.newPassword') }), trigger: 'blur' },
      passwordPolicyRule(t, username),
    ],
  }
}
