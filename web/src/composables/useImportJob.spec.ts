import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import type { ImportJob } from '@/api/types'
import { importPercent, MAX_POLL_FAILURES, rejectedRowCount, useImportJob } from './useImportJob'

function job(status: string, processed: number, total: number, extra: Partial<ImportJob> = {}): ImportJob {
  return {
    id: 7,
    kind: 'buildings',
    mode: 'valid_rows',
    status,
    file_name: 'b.csv',
    total,
    processed,
    accepted: 0,
    rejected: [],
    rejected_count: 0,
    ...extra,
  }
}

describe('importPercent', () => {
  it('uses processed/total', () => {
    expect(importPercent(job('running', 0, 200))).toBe(0)
    expect(importPercent(job('running', 50, 200))).toBe(25)
    expect(importPercent(job('running', 199, 200))).toBe(99)
    expect(importPercent(job('running', 1, 3))).toBe(33)
  })

  it('is 0 before the rows are counted, 100 when done, and never beyond', () => {
    expect(importPercent(null)).toBe(0)
    expect(importPercent(job('queued', 0, 0))).toBe(0)
    expect(importPercent(job('done', 0, 0))).toBe(100)
    expect(importPercent(job('running', 250, 200))).toBe(100)
    expect(importPercent(job('failed', 10, 200))).toBe(5)
  })
})

describe('rejectedRowCount', () => {
  it('counts rows, not reasons', () => {
    const rejected = [
      { row: 3, column: '网格编码', message: '网格不存在' },
      { row: 3, column: '经度', message: '经度不在中国境内' },
      { row: 5, column: '用途', message: '未知的用途' },
    ]
    expect(rejectedRowCount(job('done', 5, 5, { rejected }))).toBe(2)
    expect(rejectedRowCount(null)).toBe(0)
  })
})

describe('useImportJob', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('polls every interval until the job is done, then stops', async () => {
    const fetchJob = vi
      .fn<(id: number) => Promise<ImportJob>>()
      .mockResolvedValueOnce(job('queued', 0, 0))
      .mockResolvedValueOnce(job('running', 40, 200))
      .mockResolvedValueOnce(job('running', 120, 200))
      .mockResolvedValueOnce(job('done', 200, 200, { accepted: 200 }))
    const j = useImportJob(fetchJob, 500)
    await j.start(7)
    expect(fetchJob).toHaveBeenCalledWith(7)
    expect(j.job.value?.status).toBe('queued')
    expect(j.polling.value).toBe(true)
    expect(j.percent.value).toBe(0)

    await vi.advanceTimersByTimeAsync(499)
    expect(fetchJob).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetchJob).toHaveBeenCalledTimes(2)
    expect(j.percent.value).toBe(20)

    await vi.advanceTimersByTimeAsync(500)
    expect(j.percent.value).toBe(60)

    await vi.advanceTimersByTimeAsync(500)
    expect(j.job.value?.status).toBe('done')
    expect(j.finished.value).toBe(true)
    expect(j.polling.value).toBe(false)
    expect(j.percent.value).toBe(100)

    await vi.advanceTimersByTimeAsync(5000)
    expect(fetchJob).toHaveBeenCalledTimes(4)
  })

  it('stops on a failed job and keeps its error', async () => {
    const fetchJob = vi
      .fn<(id: number) => Promise<ImportJob>>()
      .mockResolvedValueOnce(job('running', 0, 0))
      .mockResolvedValueOnce(job('failed', 0, 0, { error: '缺少必填列：网格编码' }))
    const j = useImportJob(fetchJob, 500)
    await j.start(7)
    await vi.advanceTimersByTimeAsync(500)
    expect(j.job.value?.error).toBe('缺少必填列：网格编码')
    expect(j.finished.value).toBe(true)
    expect(j.polling.value).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(fetchJob).toHaveBeenCalledTimes(2)
  })

  it('keeps asking after a lost answer, and gives up after several in a row', async () => {
    const lost = new Error('network')
    const fetchJob = vi
      .fn<(id: number) => Promise<ImportJob>>()
      .mockRejectedValueOnce(lost)
      .mockResolvedValueOnce(job('running', 10, 100))
      .mockRejectedValue(lost)
    const j = useImportJob(fetchJob, 500)
    await j.start(7)
    expect(j.polling.value).toBe(true)
    await vi.advanceTimersByTimeAsync(500)
    expect(j.percent.value).toBe(10)
    await vi.advanceTimersByTimeAsync(500 * MAX_POLL_FAILURES)
    expect(j.polling.value).toBe(false)
    expect(j.error.value).toBe(lost)
    const calls = fetchJob.mock.calls.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(fetchJob).toHaveBeenCalledTimes(calls)
  })

  it('never asks twice at once: the next poll waits for the answer', async () => {
    let release!: (j: ImportJob) => void
    const fetchJob = vi.fn<(id: number) => Promise<ImportJob>>(
      () => new Promise<ImportJob>((res) => (release = res)),
    )
    const j = useImportJob(fetchJob, 500)
    const first = j.start(7)
    await vi.advanceTimersByTimeAsync(3000)
    expect(fetchJob).toHaveBeenCalledTimes(1)
    release(job('running', 1, 2))
    await first
    await vi.advanceTimersByTimeAsync(500)
    expect(fetchJob).toHaveBeenCalledTimes(2)
    j.stop()
  })

  it('ignores the answer of a job it no longer follows, and stops with its scope', async () => {
    let release!: (j: ImportJob) => void
    const fetchJob = vi
      .fn<(id: number) => Promise<ImportJob>>()
      .mockImplementationOnce(() => new Promise<ImportJob>((res) => (release = res)))
      .mockResolvedValue(job('running', 5, 10, { id: 8 }))
    const scope = effectScope()
    const j = scope.run(() => useImportJob(fetchJob, 500))!
    const old = j.start(7)
    await j.start(8)
    release(job('done', 1, 1))
    await old
    expect(j.job.value?.id).toBe(8)
    expect(j.polling.value).toBe(true)
    scope.stop()
    expect(j.polling.value).toBe(false)
    const calls = fetchJob.mock.calls.length
    await vi.advanceTimersByTimeAsync(5000)
    expect(fetchJob).toHaveBeenCalledTimes(calls)
  })
})
