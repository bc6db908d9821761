// Shows a 422 answer's message beside the field it names (el-form-item :error).
import { reactive } from 'vue'
import { isApiError } from '@/api/client'

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({})

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  /** Records a field error; true when the error named a field. */
  function take(e: unknown): boolean {
    if (isApiError(e) && e.field) {
      errors[e.field] = e.message
      return true
    }
    return false
  }

  return { errors, clear, take }
}
