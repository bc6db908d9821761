// An el-form validator for the password policy, naming the first rule that fails.
import type { FormItemRule } from 'element-plus'
import { checkPassword } from './password'

type Translate = (key: string) => string

export function passwordPolicyRule(t: Translate, username: () => string = () => ''): FormItemRule {
  return {
    trigger: 'blur',
    validator: (_rule: unknown, value: unknown, callback: (e?: Error) => void) => {
      const result = checkPassword(typeof value === 'string' ? value : '', username())
      const first = result.issues[0]
      if (first) callback(new Error(t(`password.issue.${first}`)))
      else callback()
    },
  }
}
