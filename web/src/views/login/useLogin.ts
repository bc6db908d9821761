// Login: username and password, then the TOTP code when the server asks for one.
import { reactive, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { isApiError } from '@/api/client'
import { errorText } from '@/api/setup'
import { safeRedirect } from '@/utils/redirect'

export function useLogin() {
  const auth = useAuthStore()
  const route = useRoute()
  const router = useRouter()

  const form = reactive({ username: '', password: '', totp_code: '' })
  const totpNeeded = ref(false)
  const submitting = ref(false)
  /** The server's message, shown above the form (e.g. 429 too_many_attempts: wait N minutes). */
  const errorMessage = ref('')

  async function submit() {
    submitting.value = true
    errorMessage.value = ''
    try {
      const session = await auth.login({
        username: form.username.trim(),
        password: form.password,
        totp_code: totpNeeded.value ? form.totp_code.trim() : undefined,
      })
      if (session.must_change_password) {
        await router.replace({ name: 'change-password' })
      } else if (session.must_enroll_totp) {
        await router.replace({ name: 'totp' })
      } else {
        await router.replace(safeRedirect(route.query.redirect))
      }
    } catch (e) {
      if (isApiError(e) && e.code === 'totp_required') {
        // Not a failure: the password was right and a second factor is due.
        totpNeeded.value = true
        form.totp_code = ''
        return
      }
      // Shown in the form (not as a toast): it stays while the user corrects the input.
      errorMessage.value = isApiError(e) ? errorText(e) : String(e)
      if (totpNeeded.value) form.totp_code = ''
    } finally {
      submitting.value = false
    }
  }

  return { form, totpNeeded, submitting, errorMessage, submit }
}
