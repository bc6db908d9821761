// 数据导入: the wizard's state — kind and mode, the chosen file, the upload, then the job followed
// until it is done or failed.
import { computed, ref, shallowRef } from 'vue'
import { importApi, importTemplateUrl, rejectedRowsUrl } from '@/api/registry'
import type { ImportKind, ImportMode } from '@/api/types'
import { rejectedRowCount, useImportJob } from '@/composables/useImportJob'

export const IMPORT_KINDS: readonly ImportKind[] = ['residents', 'buildings', 'houses']
export const IMPORT_MODES: readonly ImportMode[] = ['all_or_nothing', 'valid_rows']
/** What the server reads: XLSX, or CSV in UTF-8 or GB18030. */
export const IMPORT_ACCEPT = '.xlsx,.csv'

export function isImportKind(v: unknown): v is ImportKind {
  return typeof v === 'string' && (IMPORT_KINDS as readonly string[]).includes(v)
}

/**
 * The wizard's step (el-steps' active index): 0 choose, 1 upload, 2 importing, 3 result (a failed
 * job stops there), 4 every step done.
 */
export function wizardStep(state: { file: boolean; started: boolean; status?: string | null }): number {
  if (state.status === 'done') return 4
  if (state.status === 'failed') return 3
  if (state.started) return 2
  return state.file ? 1 : 0
}

export function useImport(initialKind: ImportKind = 'residents') {
  const kind = ref<ImportKind>(initialKind)
  const mode = ref<ImportMode>('all_or_nothing')
  const file = shallowRef<File | null>(null)
  const uploading = ref(false)
  const jobId = ref<number | null>(null)
  const tracker = useImportJob(importApi.get)

  const started = computed(() => jobId.value != null)
  const step = computed(() =>
    wizardStep({ file: file.value != null, started: started.value, status: tracker.job.value?.status }),
  )
  const rejectedRows = computed(() => rejectedRowCount(tracker.job.value))
  const templateUrl = computed(() => importTemplateUrl(kind.value))
  const rejectedUrl = computed(() => (jobId.value != null ? rejectedRowsUrl(jobId.value) : ''))

  async function submit(): Promise<boolean> {
    if (!file.value || uploading.value) return false
    uploading.value = true
    try {
      const { id } = await importApi.start(kind.value, mode.value, file.value, file.value.name)
      jobId.value = id
      tracker.start(id)
      return true
    } catch {
      // shown by the client (a wrong kind, a missing file, a file too large)
      return false
    } finally {
      uploading.value = false
    }
  }

  /** Follows the job again after the progress could not be fetched. */
  function retry() {
    if (jobId.value != null) tracker.start(jobId.value)
  }

  /** Another file: back to the start, keeping kind and mode. */
  function again() {
    tracker.reset()
    jobId.value = null
    file.value = null
  }

  return {
    kind,
    mode,
    file,
    uploading,
    jobId,
    started,
    step,
    rejectedRows,
    templateUrl,
    rejectedUrl,
    job: tracker.job,
    percent: tracker.percent,
    finished: tracker.finished,
    polling: tracker.polling,
    pollError: tracker.error,
    submit,
    retry,
    again,
  }
}
