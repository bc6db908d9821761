// @vitest-environment jsdom
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { ElFormItem, ElInput } from 'element-plus'
import { i18n } from '@/locales'
import { useFormDialog } from '@/composables/useFormDialog'
import FormDialog from './FormDialog.vue'

/** A form.vue as the CRUD pages write it: the fields in FormDialog, `open` for the page. */
function formComponent(save: (m: { name: string }) => Promise<unknown>) {
  let dialog!: ReturnType<typeof useFormDialog<{ id: number; name: string }, { name: string }, unknown>>
  const Form = defineComponent({
    setup() {
      dialog = useFormDialog({
        empty: () => ({ name: '' }),
        from: (r: { id: number; name: string }) => ({ name: r.name }),
        save,
      })
      const rules = { name: [{ required: true, message: '请输入名称', trigger: 'blur' }] }
      return () =>
        h(
          FormDialog,
          { dialog, rules, title: '新增楼栋', 'data-testid': 'thing-dialog' },
          () =>
            h(ElFormItem, { label: '名称', prop: 'name', 'data-testid': 'thing-name' }, () =>
              h(ElInput, { modelValue: dialog.form.name, 'onUpdate:modelValue': (v: string) => (dialog.form.name = v) }),
            ),
        )
    },
  })
  const w = mount(Form, { global: { plugins: [i18n] }, attachTo: document.body })
  return { w, dialog }
}

describe('FormDialog', () => {
  // jsdom has no layout (label widths) and async-validator reports each failed rule: not news here.
  beforeAll(() => void vi.spyOn(console, 'warn').mockImplementation(() => {}))

  it('shows the fields in a dialog with its attributes, and checks the rules before saving', async () => {
    const save = vi.fn(async () => ({}))
    const { w, dialog } = formComponent(save)
    await dialog.open()
    await flushPromises()
    const box = document.querySelector('[data-testid=thing-dialog]')
    expect(box?.textContent).toContain('新增楼栋')
    expect(document.querySelector('[data-testid=thing-name] input')).not.toBeNull()
    expect(dialog.formRef.value).toBeDefined()

    // Nothing typed: the required rule stops the save.
    ;(document.querySelector('[data-testid=dialog-submit]') as HTMLElement).click()
    await flushPromises()
    expect(save).not.toHaveBeenCalled()
    expect(dialog.visible.value).toBe(true)

    dialog.form.name = '一号楼'
    await nextTick()
    ;(document.querySelector('[data-testid=dialog-submit]') as HTMLElement).click()
    await flushPromises()
    expect(save).toHaveBeenCalledWith({ name: '一号楼' }, null)
    expect(dialog.visible.value).toBe(false)
    w.unmount()
  })

  it('closes on 取消 without saving', async () => {
    const save = vi.fn(async () => ({}))
    const { w, dialog } = formComponent(save)
    await dialog.open({ id: 1, name: '旧名' })
    await flushPromises()
    const cancel = [...document.querySelectorAll('.el-dialog__footer button')].find((b) => b.textContent?.trim() === '取消')
    ;(cancel as HTMLElement).click()
    await flushPromises()
    expect(dialog.visible.value).toBe(false)
    expect(save).not.toHaveBeenCalled()
    w.unmount()
  })
})
