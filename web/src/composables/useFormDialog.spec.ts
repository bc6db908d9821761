// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { ElMessage } from 'element-plus'
import { ApiError } from '@/api/client'
import { i18n } from '@/locales'
import { createOrUpdate, useFormDialog, type FormDialogOptions } from './useFormDialog'

vi.mock('element-plus', () => ({ ElMessage: vi.fn() }))

interface Row {
  id: number
  code: string
}
interface Model {
  code: string
  note: string
}

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** The composable inside a component (it needs vue-i18n), with an el-form stand-in. */
function setup(options: Partial<FormDialogOptions<Row, Model, Row>> = {}, valid = true) {
  let dialog!: ReturnType<typeof useFormDialog<Row, Model, Row>>
  const form = {
    validate: vi.fn(() => (valid ? Promise.resolve(true) : Promise.reject(new Error('invalid')))),
    clearValidate: vi.fn(),
  }
  const FakeForm = defineComponent({
    setup(_, { expose }) {
      expose(form)
      return () => h('form')
    },
  })
  const Host = defineComponent({
    setup() {
      dialog = useFormDialog<Row, Model, Row>({
        empty: () => ({ code: '', note: '' }),
        from: (r) => ({ code: r.code, note: 'kept' }),
        save: async (m, r) => ({ id: r?.id ?? 9, code: m.code }),
        ...options,
      })
      return () => h(FakeForm, { ref: dialog.formRef })
    },
  })
  mount(Host, { global: { plugins: [i18n] } })
  return { dialog, form }
}

describe('useFormDialog', () => {
  beforeEach(() => {
    vi.mocked(ElMessage).mockClear()
    i18n.global.locale.value = 'zh-CN'
  })

  it('opens blank to create and filled from the row to edit, with old errors gone', async () => {
    const { dialog, form } = setup()
    dialog.fieldErrors.errors.code = 'old'
    await dialog.open()
    expect(dialog.visible.value).toBe(true)
    expect(dialog.row.value).toBeNull()
    expect({ ...dialog.form }).toEqual({ code: '', note: '' })
    expect(dialog.fieldErrors.errors).toEqual({})
    expect(form.clearValidate).toHaveBeenCalled()

    dialog.form.note = 'typed'
    await dialog.open({ id: 3, code: 'B-3' })
    expect(dialog.row.value).toEqual({ id: 3, code: 'B-3' })
    expect({ ...dialog.form }).toEqual({ code: 'B-3', note: 'kept' })
  })

  it('saves a valid model, says so, closes and tells the answer', async () => {
    const save = vi.fn(async (m: Model, r: Row | null) => ({ id: r?.id ?? 9, code: m.code }))
    const onSaved = vi.fn()
    const { dialog } = setup({ save, onSaved })
    await dialog.open()
    dialog.form.code = 'NEW'
    await dialog.submit()
    expect(save).toHaveBeenCalledWith({ code: 'NEW', note: '' }, null)
    expect(ElMessage).toHaveBeenLastCalledWith({ type: 'success', message: '新增成功' })
    expect(dialog.visible.value).toBe(false)
    expect(dialog.saving.value).toBe(false)
    expect(onSaved).toHaveBeenCalledWith({ id: 9, code: 'NEW' }, null)

    await dialog.open({ id: 4, code: 'OLD' })
    await dialog.submit()
    expect(save).toHaveBeenLastCalledWith({ code: 'OLD', note: 'kept' }, { id: 4, code: 'OLD' })
    expect(ElMessage).toHaveBeenLastCalledWith({ type: 'success', message: '保存成功' })
  })

  it('sends nothing while the client checks fail', async () => {
    const save = vi.fn(async () => ({ id: 1, code: '' }))
    const { dialog } = setup({ save }, false)
    await dialog.open()
    await dialog.submit()
    expect(save).not.toHaveBeenCalled()
    expect(dialog.visible.value).toBe(true)
  })

  it('puts the server reason beside the field it names and stays open', async () => {
    const save = vi.fn().mockRejectedValue(new ApiError(422, 'invalid', '编码格式不对', 'code'))
    const { dialog } = setup({ save })
    await dialog.open()
    await dialog.submit()
    expect(dialog.fieldErrors.errors.code).toBe('编码格式不对')
    expect(dialog.visible.value).toBe(true)
    expect(dialog.saving.value).toBe(false)
    expect(ElMessage).not.toHaveBeenCalled()
  })

  it('shows an unnamed conflict beside conflictField, or leaves it to onError', async () => {
    const conflict = new ApiError(409, 'duplicate', '编码已存在')
    const { dialog } = setup({ save: vi.fn().mockRejectedValue(conflict), conflictField: 'code' })
    await dialog.open()
    await dialog.submit()
    expect(dialog.fieldErrors.errors.code).toBe('编码已存在')

    const onError = vi.fn(() => true)
    const other = setup({ save: vi.fn().mockRejectedValue(conflict), conflictField: 'code', onError })
    await other.dialog.open({ id: 1, code: 'A' })
    await other.dialog.submit()
    expect(onError).toHaveBeenCalledWith(conflict, { id: 1, code: 'A' })
    expect(other.dialog.fieldErrors.errors).toEqual({})
  })

  it('takes its own success message', async () => {
    const { dialog } = setup({ message: (r) => `done ${r?.id}` })
    await dialog.open({ id: 5, code: 'X' })
    await dialog.submit()
    expect(ElMessage).toHaveBeenLastCalledWith({ type: 'success', message: 'done 5' })
  })

  it('reads a row first while loading, and closes when the read fails', async () => {
    const reads = [deferred<Model>(), deferred<Model>(), deferred<Model>()]
    let n = 0
    const { dialog } = setup({ from: () => reads[n++]!.promise })

    const first = dialog.open({ id: 1, code: 'A' })
    expect(dialog.loading.value).toBe(true)
    expect({ ...dialog.form }).toEqual({ code: '', note: '' })
    // A second open before the first read answers: only the newer one fills the form.
    const second = dialog.open({ id: 2, code: 'B' })
    reads[1]!.resolve({ code: 'B', note: 'read' })
    await second
    reads[0]!.resolve({ code: 'A', note: 'stale' })
    await first
    expect({ ...dialog.form }).toEqual({ code: 'B', note: 'read' })
    expect(dialog.loading.value).toBe(false)

    const third = dialog.open({ id: 3, code: 'C' })
    reads[2]!.reject(new ApiError(404, 'not_found', ''))
    await third
    expect(dialog.visible.value).toBe(false)
    expect(dialog.loading.value).toBe(false)
  })

  it('runs onOpen at every open and closes on close()', async () => {
    const onOpen = vi.fn()
    const { dialog } = setup({ onOpen })
    await dialog.open({ id: 7, code: 'Q' })
    expect(onOpen).toHaveBeenCalledWith({ id: 7, code: 'Q' })
    dialog.close()
    expect(dialog.visible.value).toBe(false)
  })
})

describe('createOrUpdate', () => {
  it('creates a new record and updates a row by its id, with the same body', async () => {
    const api = { create: vi.fn(async (b: string) => `created ${b}`), update: vi.fn(async (id: number, b: string) => `${id} ${b}`) }
    expect(await createOrUpdate(api, null, 'N')).toBe('created N')
    expect(await createOrUpdate(api, { id: 8 }, 'E')).toBe('8 E')
    expect(api.update).toHaveBeenCalledWith(8, 'E')
  })
})
