// Personal API tokens: list, create (the secret is shown once), revoke.
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { authApi } from '@/api/auth'
import type { ApiToken, CreatedToken } from '@/api/types'
import { itemsOf } from '@/utils/format'
import { useFieldErrors } from '@/composables/useFieldErrors'

/** Choices for the token's lifetime in days; 0 means no expiry. */
export const TOKEN_LIFETIMES = [30, 90, 180, 365, 0] as const

export function useApiTokens() {
  const { t } = useI18n()
  const tokens = shallowRef<ApiToken[]>([])
  const loading = ref(false)
  const dialogOpen = ref(false)
  const saving = ref(false)
  const form = reactive({ name: '', expires_in_days: 90 as number })
  const created = ref<CreatedToken | null>(null)
  const fieldErrors = useFieldErrors()

  async function load() {
    loading.value = true
    try {
      tokens.value = itemsOf(await authApi.listTokens())
    } catch {
      // shown by the client
    } finally {
      loading.value = false
    }
  }

  function openCreate() {
    form.name = ''
    form.expires_in_days = 90
    created.value = null
    fieldErrors.clear()
    dialogOpen.value = true
  }

  async function create() {
    saving.value = true
    fieldErrors.clear()
    try {
      created.value = await authApi.createToken({
        name: form.name.trim(),
        expires_in_days: form.expires_in_days > 0 ? form.expires_in_days : null,
      })
      await load()
    } catch (e) {
      fieldErrors.take(e)
    } finally {
      saving.value = false
    }
  }

  function closeDialog() {
    // Forget the secret as soon as the dialog closes.
    created.value = null
    dialogOpen.value = false
  }

  async function revoke(token: ApiToken) {
    try {
      await ElMessageBox.confirm(t('token.confirmRevoke', { name: token.name }), t('common.confirmTitle'), {
        type: 'warning',
        confirmButtonText: t('token.revoke'),
        cancelButtonText: t('common.cancel'),
      })
    } catch {
      return
    }
    try {
      await authApi.revokeToken(token.id)
      ElMessage({ type: 'success', message: t('token.revoked') })
      await load()
    } catch {
      // shown by the client
    }
  }

  return {
    tokens,
    loading,
    dialogOpen,
    saving,
    form,
    created,
    fieldErrors: fieldErrors.errors,
    load,
    openCreate,
    create,
    closeDialog,
    revoke,
  }
}
