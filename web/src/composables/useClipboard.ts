// Copies text and says so; falls back to a hidden textarea where the Clipboard API is missing.
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'

export function useClipboard() {
  const { t } = useI18n()
  async function copy(text: string) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text)
      } else {
        const area = document.createElement('textarea')
        area.value = text
        area.style.position = 'fixed'
        area.style.opacity = '0'
        document.body.appendChild(area)
        area.select()
        const ok = document.execCommand('copy')
        document.body.removeChild(area)
        if (!ok) throw new Error('copy failed')
      }
      ElMessage({ type: 'success', message: t('common.copied') })
    } catch {
      ElMessage({ type: 'warning', message: t('common.copyFailed') })
    }
  }
  return { copy }
}
