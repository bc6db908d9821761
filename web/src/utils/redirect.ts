// Where to go after login: only a path inside this app, never another site.

export function safeRedirect(raw: unknown, fallback = '/'): string {
  const value = Array.isArray(raw) ? raw[0] : raw
  if (typeof value !== 'string' || !value) return fallback
  // "//host" and "/\host" are protocol-relative URLs that browsers send to another site.
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  if (value.startsWith('/login')) return fallback
  return value
}
