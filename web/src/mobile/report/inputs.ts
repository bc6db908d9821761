// The report's burden, measured: every input the worker makes is counted (a photo chosen, a tap
// on a ★ item, on a category (which opens the picker at its items) or an item in it, the text
// typed, the pin moved, a step back in the picker, submit). The target is at most 6.

export type ReportInput = 'photo' | 'item' | 'category' | 'back' | 'text' | 'pin' | 'submit'

export const MAX_INPUTS = 6

export class InputCounter {
  private readonly made: ReportInput[] = []
  private typing = false

  /** One input; typing counts once until the worker does something else. */
  add(kind: ReportInput) {
    if (kind === 'text') {
      if (this.typing) return
      this.typing = true
    } else {
      this.typing = false
    }
    this.made.push(kind)
  }

  get count(): number {
    return this.made.length
  }

  get inputs(): readonly ReportInput[] {
    return this.made
  }

  reset() {
    this.made.length = 0
    this.typing = false
  }
}

/**
 * The fewest inputs a report takes: the photos, the item (one tap on a ★ suggestion; two through
 * the categories shown on the page: one, then its item in the picker), the text, submit, and a
 * tap on the map when there is no GPS fix.
 */
export function fewestInputs(o: { photos: number; suggested: boolean; gps: boolean }): number {
  return o.photos + (o.suggested ? 1 : 2) + 1 + 1 + (o.gps ? 0 : 1)
}
