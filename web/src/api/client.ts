// The one HTTP client: fetch with the session cookie, the CSRF header on writes, and the
// server's error shape turned into a typed ApiError whose message the user sees.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Methods that change state and therefore carry the X-CSRF-Token header. */
const STATE_CHANGING: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** A failed request, as the server described it in `{"error":{"code","message","field"}}`. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string
  readonly details?: unknown

  constructor(status: number, code: string, message: string, field?: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.details = details
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError
}

/** Codes the client itself gives to failures the server did not describe. */
export const NETWORK_ERROR = 'network_error'
export const HTTP_ERROR_PREFIX = 'http_'

/**
 * Turns an error answer into an ApiError. A body that is not the documented shape (a proxy's
 * HTML page, an empty body) still gives a usable error with code `http_<status>` and no message,
 * so the notifier can show a generic text.
 */
export function parseError(status: number, bodyText: string): ApiError {
  let parsed: unknown
  try {
    parsed = bodyText ? JSON.parse(bodyText) : undefined
  } catch {
    parsed = undefined
  }
  if (parsed && typeof parsed === 'object' && 'error' in parsed) {
    const err = (parsed as { error: unknown }).error
    if (err && typeof err === 'object') {
      const e = err as Record<string, unknown>
      const code = typeof e.code === 'string' && e.code ? e.code : `${HTTP_ERROR_PREFIX}${status}`
      const message = typeof e.message === 'string' ? e.message : ''
      const field = typeof e.field === 'string' && e.field ? e.field : undefined
      return new ApiError(status, code, message, field, e.details)
    }
  }
  return new ApiError(status, `${HTTP_ERROR_PREFIX}${status}`, '')
}

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue | QueryValue[]>

/** Builds `path?query`, leaving out empty values so that filters that are not set are not sent. */
export function buildUrl(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, raw] of Object.entries(query)) {
    const values = Array.isArray(raw) ? raw : [raw]
    for (const v of values) {
      if (v === undefined || v === null || v === '') continue
      params.append(key, String(v))
    }
  }
  const qs = params.toString()
  if (!qs) return path
  return path + (path.includes('?') ? '&' : '?') + qs
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  /** Do not show the error message; the caller shows it its own way. */
  silent?: boolean
  /** A 401 does not count as an expired session (the initial /auth/me probe, login). */
  skipAuthHandling?: boolean
}

/** What the client asks of the rest of the app; set once at start-up by main.ts. */
export interface ClientHooks {
  csrfToken(): string | null | undefined
  /** Shows an error to the user. */
  notify(err: ApiError): void
  /** 401 `unauthenticated`: the session is gone. */
  onUnauthenticated(err: ApiError): void
  /** 403 `password_change_required`. */
  onPasswordChangeRequired(err: ApiError): void
  /** 403 `totp_enrollment_required`. */
  onTotpEnrollmentRequired(err: ApiError): void
  /** Any answer from the server (the idle timer restarts). */
  onActivity(): void
}

const noop = () => {}

export const defaultHooks: ClientHooks = {
  csrfToken: () => null,
  notify: noop,
  onUnauthenticated: noop,
  onPasswordChangeRequired: noop,
  onTotpEnrollmentRequired: noop,
  onActivity: noop,
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/** A file the server answered (an export made by a POST, which a plain link cannot send). */
export interface Download {
  blob: Blob
  /** From Content-Disposition (`filename*` preferred), or null when the server named none. */
  fileName: string | null
}

/** The file name of a Content-Disposition header: RFC 5987 `filename*=UTF-8''…` first, then `filename=`. */
export function fileNameOf(disposition: string | null | undefined): string | null {
  if (!disposition) return null
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[2]!.trim().replace(/^"(.*)"$/, '$1'))
    } catch {
      // a malformed escape: try the plain parameter
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition)
  const name = plain ? (plain[2] ?? plain[1]!).trim() : ''
  return name || null
}

export interface HttpClient {
  request<T>(method: HttpMethod, path: string, opts?: RequestOptions): Promise<T>
  /** The answer as a file; errors as for `request` (the error body is JSON). */
  download(method: HttpMethod, path: string, opts?: RequestOptions): Promise<Download>
  get<T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'query'>): Promise<T>
  post<T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>): Promise<T>
  put<T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>): Promise<T>
  patch<T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>): Promise<T>
  del<T = void>(path: string, opts?: RequestOptions): Promise<T>
  setHooks(hooks: Partial<ClientHooks>): void
}

export function createClient(
  initialHooks: Partial<ClientHooks> = {},
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
): HttpClient {
  let hooks: ClientHooks = { ...defaultHooks, ...initialHooks }

  function handleError(err: ApiError, opts: RequestOptions) {
    if (err.status === 401 && err.code === 'unauthenticated' && !opts.skipAuthHandling) {
      // The session expired or was ended elsewhere: the hook tells the user and goes to login.
      hooks.onUnauthenticated(err)
      return
    }
    if (err.status === 403 && err.code === 'password_change_required') {
      hooks.onPasswordChangeRequired(err)
      return
    }
    if (err.status === 403 && err.code === 'totp_enrollment_required') {
      hooks.onTotpEnrollmentRequired(err)
      return
    }
    if (!opts.silent) hooks.notify(err)
  }

  /** Sends the request; network failures and error answers become ApiErrors (shown unless silent). */
  async function send(method: HttpMethod, path: string, opts: RequestOptions, accept: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept }
    const init: RequestInit = { method, headers, credentials: 'same-origin' }
    if (typeof FormData !== 'undefined' && opts.body instanceof FormData) {
      // Multipart (file uploads): the browser writes Content-Type with the boundary itself.
      init.body = opts.body
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      init.body = JSON.stringify(opts.body)
    }
    if (STATE_CHANGING.has(method)) {
      const token = hooks.csrfToken()
      if (token) headers['X-CSRF-Token'] = token
    }

    let res: Response
    try {
      res = await fetchImpl(buildUrl(path, opts.query), init)
    } catch (cause) {
      const err = new ApiError(0, NETWORK_ERROR, '')
      ;(err as { cause?: unknown }).cause = cause
      if (!opts.silent) hooks.notify(err)
      throw err
    }
    hooks.onActivity()
    if (!res.ok) {
      const err = parseError(res.status, await res.text())
      handleError(err, opts)
      throw err
    }
    return res
  }

  async function request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await send(method, path, opts, 'application/json')
    const text = await res.text()
    if (res.status === 204 || !text) return undefined as T
    try {
      return JSON.parse(text) as T
    } catch {
      const err = new ApiError(res.status, 'invalid_response', '')
      if (!opts.silent) hooks.notify(err)
      throw err
    }
  }

  async function download(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<Download> {
    const res = await send(method, path, opts, '*/*')
    return { blob: await res.blob(), fileName: fileNameOf(res.headers.get('Content-Disposition')) }
  }

  return {
    request,
    download,
    get: (path, query, opts) => request('GET', path, { ...opts, query }),
    post: (path, body, opts) => request('POST', path, { ...opts, body }),
    put: (path, body, opts) => request('PUT', path, { ...opts, body }),
    patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
    del: (path, opts) => request('DELETE', path, opts),
    setHooks(next) {
      hooks = { ...hooks, ...next }
    },
  }
}

/** The app's client; main.ts sets its hooks. */
export const http = createClient()
