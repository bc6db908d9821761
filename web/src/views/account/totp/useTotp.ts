// Two-factor authentication: set up (secret + otpauth URI), then enable with a code.
import { computed, ref } from 'vue'
import { useRouter } from 'vue-router'
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { authApi } from '@/api/auth'
import type { TotpSetup } from '@/api/types'
import { useAuthStore } from '@/stores/auth'
import { useFieldErrors } from '@/composables/useFieldErrors'

export function useTotp() {
  const auth = useAuthStore()
  const router = useRouter()
  const { t } = useI18n()
  const setup = ref<TotpSetup | null>(null)
  const code = ref('')
  const loading = ref(false)
  const fieldErrors = useFieldErrors()
  const forced = ref(auth.mustEnrollTotp)
  const enabled = computed(() => auth.user?.totp_enabled ?? false)

  async function start() {
    loading.value = true
    try {
      setup.value = await authApi.totpSetup()
      code.value = ''
    } catch {
      // shown by the client
    } finally {
      loading.value = false
    }
  }

  async function enable() {
    loading.value = true
    fieldErrors.clear()
    try {
      await authApi.totpEnable(code.value.trim())
      ElMessage({ type: 'success', message: t('totp.enabledOk') })
      setup.value = null
      code.value = ''
      await auth.refresh()
      if (forced.value) await router.replace('/')
    } catch (e) {
      if (!fieldErrors.take(e)) code.value = ''
    } finally {
      loading.value = false
    }
  }

  return { auth, setup, code, loading, forced, enabled, fieldErrors: fieldErrors.errors, start, enable }
}
