// Change password: forced after the first login or a reset, otherwise from the user menu.
import { reactive, ref } from 'vue'
import { useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { authApi } from '@/api/auth'
import { useAuthStore } from '@/stores/auth'
import { useFieldErrors } from '@/composables/useFieldErrors'

export function usePassword() {
  const auth = useAuthStore()
  const router = useRouter()
  const { t } = useI18n()
  const form = reactive({ old_password: '', new_password: '', confirm: '' })
  const submitting = ref(false)
  const fieldErrors = useFieldErrors()
  /** Remembered at page open: after the change the flag is gone but we still go on from here. */
  const forced = ref(auth.mustChangePassword)

  async function submit() {
    submitting.value = true
    fieldErrors.clear()
    try {
      await authApi.changePassword({ old_password: form.old_password, new_password: form.new_password })
      ElMessage({ type: 'success', message: t('password.changed') })
      form.old_password = form.new_password = form.confirm = ''
      const session = await auth.refresh()
      if (session.must_enroll_totp) await router.replace({ name: 'totp' })
      else if (forced.value) await router.replace('/')
    } catch (e) {
      fieldErrors.take(e)
    } finally {
      submitting.value = false
    }
  }

  return { auth, form, submitting, forced, fieldErrors: fieldErrors.errors, submit }
}
