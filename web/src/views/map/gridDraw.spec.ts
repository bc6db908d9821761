import { describe, expect, it, vi } from 'vitest'
import type { RegridRun } from '@/api/types'
import { isRunFinished, nextGridCode, pollRegridRun } from './gridDraw'

const community = '440307003002'

describe('new grid code', () => {
  it('takes the next sequence after the community’s grids', () => {
    expect(nextGridCode(community, [])).toBe('44030700300201')
    expect(nextGridCode(community, ['44030700300201', '44030700300203', '44030700400101'])).toBe('44030700300204')
  })

  it('fills a gap once 99 is used, and gives up when full', () => {
    expect(nextGridCode(community, [`${community}99`, `${community}01`])).toBe('44030700300202')
    const all = Array.from({ length: 99 }, (_, i) => `${community}${String(i + 1).padStart(2, '0')}`)
    expect(nextGridCode(community, all)).toBe('')
  })

  it('ignores codes that are not grid codes', () => {
    expect(nextGridCode(community, ['4403070030020x', '440307003002'])).toBe('44030700300201')
  })
})

const run = (status: RegridRun['status'], moved = 0): RegridRun => ({
  id: 5,
  status,
  checked: 40,
  moved,
  outside: 0,
  houses_moved: 0,
  residents_moved: 0,
  moves: [],
  error: null,
  started_at: '2026-01-01T00:00:00Z',
  finished_at: status === 'running' ? null : '2026-01-01T00:00:02Z',
})

describe('following a regrid run', () => {
  it('asks until the run is done, telling each answer', async () => {
    const answers = [run('running'), run('running'), run('done', 3)]
    const fetchRun = vi.fn(async () => answers.shift()!)
    const seen: string[] = []
    const last = await pollRegridRun(5, fetchRun, { sleep: async () => {}, onUpdate: (r) => seen.push(r.status) })
    expect(last).toMatchObject({ status: 'done', moved: 3 })
    expect(seen).toEqual(['running', 'running', 'done'])
    expect(fetchRun).toHaveBeenCalledWith(5)
  })

  it('stops on a failed run, after three lost answers, on timeout and when cancelled', async () => {
    expect(await pollRegridRun(5, async () => run('failed'), { sleep: async () => {} })).toMatchObject({ status: 'failed' })

    const lost = vi.fn(async (): Promise<RegridRun> => {
      throw new Error('offline')
    })
    expect(await pollRegridRun(5, lost, { sleep: async () => {} })).toBeNull()
    expect(lost).toHaveBeenCalledTimes(3)

    const slow = vi.fn(async () => run('running'))
    const last = await pollRegridRun(5, slow, { sleep: async () => {}, intervalMs: 1000, timeoutMs: 3000 })
    expect(last?.status).toBe('running')
    expect(slow).toHaveBeenCalledTimes(4)

    const never = vi.fn(async () => run('running'))
    expect(await pollRegridRun(5, never, { cancelled: () => true })).toBeNull()
    expect(never).not.toHaveBeenCalled()
  })

  it('knows when a run is over', () => {
    expect(isRunFinished(run('done'))).toBe(true)
    expect(isRunFinished(run('failed'))).toBe(true)
    expect(isRunFinished(run('running'))).toBe(false)
    expect(isRunFinished(null)).toBe(false)
  })
})
