// 网格绘制: the new grid's code and the follow-up of the regrid run that moves buildings between
// grids once a polygon changed.
import type { RegridRun } from '@/api/types'

/** A grid's code: its community's 12-digit division code and a 2-digit sequence. */
const GRID_CODE = /^\d{14}$/

/** The first free sequence after the community's existing grids (`…01` for the first), or '' when full. */
export function nextGridCode(communityCode: string, existing: readonly string[]): string {
  const used = new Set(
    existing.filter((c) => GRID_CODE.test(c) && c.startsWith(communityCode)).map((c) => Number(c.slice(12))),
  )
  const max = Math.max(0, ...used)
  const seq = max < 99 ? max + 1 : [...Array(99).keys()].map((i) => i + 1).find((i) => !used.has(i))
  return seq ? `${communityCode}${String(seq).padStart(2, '0')}` : ''
}

export const isRunFinished = (run: Pick<RegridRun, 'status'> | null | undefined) =>
  !!run && (run.status === 'done' || run.status === 'failed')

export interface PollOptions {
  intervalMs?: number
  /** Stop asking after this long; the run goes on at the server. */
  timeoutMs?: number
  /** Called with every answer, the last one included. */
  onUpdate?: (run: RegridRun) => void
  /** Resolves after `ms` (tests replace it). */
  sleep?: (ms: number) => Promise<void>
  /** True once the page left: polling stops. */
  cancelled?: () => boolean
}

/** Asks for the run until it is done or failed; answers the last run seen (null if none came). */
export async function pollRegridRun(
  id: number,
  fetchRun: (id: number) => Promise<RegridRun>,
  opts: PollOptions = {},
): Promise<RegridRun | null> {
  const interval = opts.intervalMs ?? 1000
  const timeout = opts.timeoutMs ?? 120_000
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  let last: RegridRun | null = null
  let failures = 0
  for (let waited = 0; waited <= timeout; waited += interval) {
    if (opts.cancelled?.()) return last
    try {
      last = await fetchRun(id)
      failures = 0
      opts.onUpdate?.(last)
      if (isRunFinished(last)) return last
    } catch {
      // A lost answer or two is no reason to stop following the run.
      if (++failures >= 3) return last
    }
    await sleep(interval)
  }
  return last
}
