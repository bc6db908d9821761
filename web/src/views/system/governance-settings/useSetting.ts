// One setting of 治理参数: loaded, edited in place, saved whole; the server's refusal is shown at the
// value it names (`errorAt`), the rest of the form kept as typed.
import { ref, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import { useFieldErrors } from '@/composables/useFieldErrors'
import { errorAt } from './settingsForm'

export function useSetting<T>(load: () => Promise<T>, save: (value: T) => Promise<T>) {
  const { t } = useI18n()
  const model = ref(null) as Ref<T | null>
  const loading = ref(false)
  const saving = ref(false)
  const fields = useFieldErrors()

  async function reload() {
    loading.value = true
    try {
      model.value = await load()
      fields.clear()
    } catch {
      // the client has shown the error
    } finally {
      loading.value = false
    }
  }

  async function submit() {
    if (model.value === null) return
    fields.clear()
    saving.value = true
    try {
      model.value = await save(model.value)
      ElMessage({ type: 'success', message: t('common.saved') })
    } catch (e) {
      fields.take(e)
    } finally {
      saving.value = false
    }
  }

  /** The server's message for the value at `path` or inside it. */
  const err = (path: string) => errorAt(fields.errors, path)

  void reload()
  return { model, loading, saving, err, reload, submit }
}
