// The half of every create/edit dialog that is not its fields: open it for a new record or for a
// row, the model, the el-form, the client's checks, the save, the server's field errors, busy, close.
// The component puts its fields in `<FormDialog :dialog>` (the el-dialog, el-form and buttons) and
// exposes `open` to the page.
import { reactive, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage, type FormInstance } from 'element-plus'
import { isApiError } from '@/api/client'
import { useFieldErrors } from './useFieldErrors'

export interface FormDialogOptions<Row, Model extends object, Saved> {
  /** A blank model: a new record's, and what every open starts from. */
  empty: () => Model
  /**
   * The model of the row to edit. A promise (a record read in full first) sets `loading` while it
   * runs, and a failure closes the dialog (the client has shown why).
   */
  from?: (row: Row) => Model | Promise<Model>
  /** Sends the model; `row` is null when creating. */
  save: (model: Model, row: Row | null) => Promise<Saved>
  /** Runs at every open once the model is reset (load a code table, reset a picker). */
  onOpen?: (row: Row | null) => void
  /** Told the server's answer once the dialog has closed: the component emits `saved` here. */
  onSaved?: (saved: Saved, row: Row | null) => void
  /** The field beside which a 409 that names none (a duplicate code) is shown. */
  conflictField?: string
  /** Deals with a failed save itself and returns true; otherwise the error goes beside its field. */
  onError?: (e: unknown, row: Row | null) => boolean | void
  /** The message after a save; 新增成功 for a new record and 保存成功 for an edit unless given. */
  message?: (row: Row | null) => string
}

/** What FormDialog needs of a useFormDialog. */
export interface FormDialogState {
  visible: Ref<boolean>
  form: object
  formRef: ShallowRef<FormInstance | undefined>
  saving: Ref<boolean>
  loading: Ref<boolean>
  submit: () => Promise<void>
  close: () => void
}

export function useFormDialog<Row, Model extends object, Saved = unknown>(
  options: FormDialogOptions<Row, Model, Saved>,
) {
  const { t } = useI18n()
  const visible = ref(false)
  /** The row being edited; null while creating. */
  const row = shallowRef<Row | null>(null)
  const form = reactive(options.empty())
  /** The el-form, which FormDialog binds. */
  const formRef = shallowRef<FormInstance>()
  const fieldErrors = useFieldErrors()
  const saving = ref(false)
  /** The row's model is being read (`from` answered a promise). */
  const loading = ref(false)
  let seq = 0

  const fill = (model: Model) => Object.assign(form, model)

  async function open(target: Row | null = null) {
    const mine = ++seq
    row.value = target
    fill(options.empty())
    const from = target != null && options.from ? options.from(target) : undefined
    if (from && !(from instanceof Promise)) fill(from)
    // After the model is in, so that the values just written are not reported as mistakes.
    fieldErrors.clear()
    formRef.value?.clearValidate()
    options.onOpen?.(target)
    visible.value = true
    if (!(from instanceof Promise)) return
    loading.value = true
    try {
      const model = await from
      if (mine === seq) fill(model)
    } catch {
      if (mine === seq) visible.value = false
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function close() {
    visible.value = false
  }

  async function submit() {
    // A dialog without an el-form (a list of checkboxes) has nothing to check.
    if (formRef.value) {
      const valid = await formRef.value.validate().catch(() => false)
      if (!valid) return
    }
    const editing = row.value
    saving.value = true
    fieldErrors.clear()
    try {
      const saved = await options.save(form as Model, editing)
      const message = options.message?.(editing) ?? (editing == null ? t('common.created') : t('common.saved'))
      ElMessage({ type: 'success', message })
      visible.value = false
      options.onSaved?.(saved, editing)
    } catch (e) {
      if (options.onError?.(e, editing)) return
      const named = fieldErrors.take(e)
      if (!named && options.conflictField && isApiError(e) && e.status === 409) {
        fieldErrors.errors[options.conflictField] = e.message
      }
    } finally {
      saving.value = false
    }
  }

  return { visible, row, form, formRef, fieldErrors, saving, loading, open, close, submit }
}

/** A record's API where a new one is POSTed and an edit PUT whole, with one body for both. */
export interface CreateUpdateApi<Body, Saved> {
  create: (body: Body) => Promise<Saved>
  update: (id: number, body: Body) => Promise<Saved>
}

/** The usual `save`: `update(row.id, body)` for a row, `create(body)` for a new record. */
export function createOrUpdate<Body, Saved>(api: CreateUpdateApi<Body, Saved>, row: { id: number } | null, body: Body) {
  return row ? api.update(row.id, body) : api.create(body)
}
