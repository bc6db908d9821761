// Display formatting of the server's values.

const pad = (n: number) => String(n).padStart(2, '0')

/** RFC 3339 → `YYYY-MM-DD HH:mm:ss` in the browser's time zone; empty for no value. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  )
}

/** Accepts both `{items,total}` and a bare array, so a list endpoint's shape is not load-bearing. */
export function itemsOf<T>(answer: { items: T[] } | T[] | null | undefined): T[] {
  if (!answer) return []
  return Array.isArray(answer) ? answer : answer.items
}

/** RFC 3339 → `YYYY-MM-DD HH:mm` in the browser's time zone (timelines, deadlines). */
export function formatMinute(value: string | null | undefined): string {
  const s = formatDateTime(value)
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s) ? s.slice(0, 16) : s
}
