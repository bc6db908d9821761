// Follows an import job: asks GET /api/v1/imports/{id} every ~500 ms until it is done or failed,
// and turns processed/total into the progress bar's percentage.
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import type { ImportJob } from '@/api/types'

/** A job that will not change any more. */
export function isFinished(job: Pick<ImportJob, 'status'> | null | undefined): boolean {
  return job?.status === 'done' || job?.status === 'failed'
}

/** processed/total as a whole percentage (0–100); a finished job is full, an empty one at 0. */
export function importPercent(job: Pick<ImportJob, 'status' | 'processed' | 'total'> | null | undefined): number {
  if (!job) return 0
  if (job.status === 'done') return 100
  if (!job.total || job.total <= 0) return 0
  return Math.min(100, Math.max(0, Math.floor((job.processed / job.total) * 100)))
}

/** How many spreadsheet rows were rejected (a row may have several reasons). */
/** Rows rejected: the server counts every one (its list of reasons stops after the first 5,000). */
export function rejectedRowCount(job: Pick<ImportJob, 'rejected_count'> | null | undefined): number {
  return job?.rejected_count ?? 0
}

/** Failed polls in a row after which the page stops asking and says so. */
export const MAX_POLL_FAILURES = 3

export function useImportJob(fetchJob: (id: number) => Promise<ImportJob>, intervalMs = 500) {
  const job = shallowRef<ImportJob | null>(null)
  const polling = ref(false)
  /** The last error, once polling gave up. */
  const error = shallowRef<unknown>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  /** Bumped by start/stop, so an answer to an abandoned poll is ignored. */
  let generation = 0
  let failures = 0

  const percent = computed(() => importPercent(job.value))
  const finished = computed(() => isFinished(job.value))

  async function poll(id: number, mine: number) {
    timer = undefined
    try {
      const answer = await fetchJob(id)
      if (mine !== generation) return
      failures = 0
      job.value = answer
      if (isFinished(answer)) {
        polling.value = false
        return
      }
    } catch (e) {
      if (mine !== generation) return
      failures += 1
      if (failures >= MAX_POLL_FAILURES) {
        error.value = e
        polling.value = false
        return
      }
    }
    // One request at a time: the next poll is planned only when this one has answered.
    timer = setTimeout(() => poll(id, mine), intervalMs)
  }

  /** Follows job `id` from now on (a job followed before is dropped). */
  function start(id: number) {
    stop()
    job.value = null
    error.value = null
    failures = 0
    polling.value = true
    return poll(id, generation)
  }

  function stop() {
    generation += 1
    if (timer) clearTimeout(timer)
    timer = undefined
    polling.value = false
  }

  function reset() {
    stop()
    job.value = null
    error.value = null
  }

  // Leaving the page stops the polling.
  if (getCurrentScope()) onScopeDispose(stop)

  return { job, polling, error, percent, finished, start, stop, reset }
}
