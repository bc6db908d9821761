// A tiny toast for the phone app (the admin app's ElMessage would pull Element Plus into the
// first load): one message at a time, gone after a few seconds.
import { ref } from 'vue'

export interface Toast {
  text: string
  kind: 'error' | 'info' | 'success'
}

export const toast = ref<Toast | null>(null)
let timer: ReturnType<typeof setTimeout> | undefined

export function showToast(text: string, kind: Toast['kind'] = 'info', ms = 3000) {
  if (!text) return
  toast.value = { text, kind }
  if (timer) clearTimeout(timer)
  timer = setTimeout(() => (toast.value = null), ms)
}
