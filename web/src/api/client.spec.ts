import { describe, expect, it, vi } from 'vitest'
import { ApiError, buildUrl, createClient, fileNameOf, NETWORK_ERROR, parseError, type FetchLike } from './client'

function respond(status: number, body?: unknown, raw?: string): Response {
  const text = raw ?? (body === undefined ? '' : JSON.stringify(body))
  return new Response(status === 204 ? null : text, { status, headers: { 'Content-Type': 'application/json' } })
}

function setup(answer: Response | (() => Promise<Response>), csrf: string | null = 'csrf-123') {
  const fetchImpl = vi.fn<FetchLike>(async () => (typeof answer === 'function' ? answer() : answer.clone()))
  const hooks = {
    csrfToken: () => csrf,
    notify: vi.fn(),
    onUnauthenticated: vi.fn(),
    onPasswordChangeRequired: vi.fn(),
    onTotpEnrollmentRequired: vi.fn(),
    onActivity: vi.fn(),
  }
  return { client: createClient(hooks, fetchImpl), fetchImpl, hooks }
}

function headersOf(fetchImpl: ReturnType<typeof vi.fn<FetchLike>>, call = 0): Record<string, string> {
  const init = fetchImpl.mock.calls[call]?.[1]
  return (init?.headers ?? {}) as Record<string, string>
}

describe('parseError', () => {
  it('reads the documented error shape', () => {
    const e = parseError(422, JSON.stringify({ error: { code: 'validation', message: '编码格式不正确', field: 'code' } }))
    expect(e).toBeInstanceOf(ApiError)
    expect(e.status).toBe(422)
    expect(e.code).toBe('validation')
    expect(e.message).toBe('编码格式不正确')
    expect(e.field).toBe('code')
  })

  it('keeps details and leaves an absent or null field undefined', () => {
    const e = parseError(409, JSON.stringify({ error: { code: 'conflict', message: '已存在', field: null, details: { id: 3 } } }))
    expect(e.field).toBeUndefined()
    expect(e.details).toEqual({ id: 3 })
  })

  it('falls back to http_<status> for a body that is not the error shape', () => {
    for (const body of ['<html>Bad Gateway</html>', '', '{"message":"x"}', '{"error":"plain"}', 'null']) {
      const e = parseError(502, body)
      expect(e.code).toBe('http_502')
      expect(e.message).toBe('')
    }
  })
})

describe('buildUrl', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(buildUrl('/api/v1/staff', { q: '张 三', org_unit_id: 7, page: 1, empty: '', none: undefined, nil: null })).toBe(
      '/api/v1/staff?q=%E5%BC%A0+%E4%B8%89&org_unit_id=7&page=1',
    )
    expect(buildUrl('/api/v1/staff', { q: '' })).toBe('/api/v1/staff')
    expect(buildUrl('/x?a=1', { b: 2 })).toBe('/x?a=1&b=2')
    expect(buildUrl('/x', { id: [1, 2] })).toBe('/x?id=1&id=2')
  })
})

describe('createClient', () => {
  it('sends the CSRF token on POST, PUT, PATCH and DELETE but not on GET', async () => {
    const { client, fetchImpl } = setup(respond(200, { ok: true }))
    await client.get('/api/v1/users')
    await client.post('/api/v1/users', { a: 1 })
    await client.put('/api/v1/users/1', { a: 1 })
    await client.patch('/api/v1/users/1', { a: 1 })
    await client.del('/api/v1/users/1')
    expect(headersOf(fetchImpl, 0)['X-CSRF-Token']).toBeUndefined()
    for (const i of [1, 2, 3, 4]) expect(headersOf(fetchImpl, i)['X-CSRF-Token']).toBe('csrf-123')
    expect(fetchImpl.mock.calls.map((c) => c[1].method)).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
  })

  it('omits the CSRF header when there is no session', async () => {
    const { client, fetchImpl } = setup(respond(200, {}), null)
    await client.post('/api/v1/auth/login', { username: 'a', password: 'b' })
    expect(headersOf(fetchImpl)).not.toHaveProperty('X-CSRF-Token')
  })

  it('sends JSON with the same-origin cookie', async () => {
    const { client, fetchImpl } = setup(respond(201, { id: 5 }))
    const answer = await client.post<{ id: number }>('/api/v1/departments', { name: '城管' })
    expect(answer).toEqual({ id: 5 })
    const init = fetchImpl.mock.calls[0]![1]
    expect(init.credentials).toBe('same-origin')
    expect(init.body).toBe('{"name":"城管"}')
    expect(headersOf(fetchImpl)['Content-Type']).toBe('application/json')
  })

  it('sends FormData as it is, with the CSRF token and no Content-Type of its own', async () => {
    const { client, fetchImpl } = setup(respond(202, { id: 9 }))
    const form = new FormData()
    form.append('kind', 'buildings')
    form.append('file', new Blob(['楼栋编码\n'], { type: 'text/csv' }), 'b.csv')
    const answer = await client.post<{ id: number }>('/api/v1/imports', form)
    expect(answer).toEqual({ id: 9 })
    const init = fetchImpl.mock.calls[0]![1]
    expect(init.body).toBe(form)
    expect(headersOf(fetchImpl)['Content-Type']).toBeUndefined()
    expect(headersOf(fetchImpl)['X-CSRF-Token']).toBe('csrf-123')
  })

  it('answers undefined for 204', async () => {
    const { client, hooks } = setup(respond(204))
    await expect(client.post('/api/v1/auth/logout')).resolves.toBeUndefined()
    expect(hooks.onActivity).toHaveBeenCalledOnce()
  })

  it('throws a typed ApiError and shows its message', async () => {
    const { client, hooks } = setup(respond(409, { error: { code: 'conflict', message: '编码已存在' } }))
    const err = await client.post('/api/v1/org-units', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('conflict')
    expect(hooks.notify).toHaveBeenCalledWith(err)
    expect(hooks.onUnauthenticated).not.toHaveBeenCalled()
  })

  it('does not show the message of a silent request', async () => {
    const { client, hooks } = setup(respond(429, { error: { code: 'too_many_attempts', message: '密码错误次数过多，请 15 分钟后再试' } }))
    await expect(client.post('/api/v1/auth/login', {}, { silent: true })).rejects.toMatchObject({
      status: 429,
      code: 'too_many_attempts',
    })
    expect(hooks.notify).not.toHaveBeenCalled()
  })

  it('treats 401 unauthenticated as an expired session', async () => {
    const { client, hooks } = setup(respond(401, { error: { code: 'unauthenticated', message: '请先登录' } }))
    await expect(client.get('/api/v1/users')).rejects.toMatchObject({ status: 401 })
    expect(hooks.onUnauthenticated).toHaveBeenCalledOnce()
    expect(hooks.notify).not.toHaveBeenCalled()
  })

  it('leaves a 401 to the caller when asked (start-up probe)', async () => {
    const { client, hooks } = setup(respond(401, { error: { code: 'unauthenticated', message: '请先登录' } }))
    await expect(client.get('/api/v1/auth/me', undefined, { skipAuthHandling: true, silent: true })).rejects.toBeInstanceOf(
      ApiError,
    )
    expect(hooks.onUnauthenticated).not.toHaveBeenCalled()
  })

  it('does not treat other 401 codes as an expired session', async () => {
    const { client, hooks } = setup(respond(401, { error: { code: 'totp_required', message: '请输入动态码' } }))
    await expect(client.post('/api/v1/auth/login', {}, { silent: true })).rejects.toMatchObject({ code: 'totp_required' })
    expect(hooks.onUnauthenticated).not.toHaveBeenCalled()
  })

  it('routes 403 password_change_required and totp_enrollment_required', async () => {
    const a = setup(respond(403, { error: { code: 'password_change_required', message: '请先修改密码' } }))
    await expect(a.client.get('/api/v1/users')).rejects.toMatchObject({ status: 403 })
    expect(a.hooks.onPasswordChangeRequired).toHaveBeenCalledOnce()
    expect(a.hooks.notify).not.toHaveBeenCalled()

    const b = setup(respond(403, { error: { code: 'totp_enrollment_required', message: '请先启用双因素认证' } }))
    await expect(b.client.get('/api/v1/users')).rejects.toMatchObject({ status: 403 })
    expect(b.hooks.onTotpEnrollmentRequired).toHaveBeenCalledOnce()
  })

  it('shows a plain 403 forbidden', async () => {
    const { client, hooks } = setup(respond(403, { error: { code: 'forbidden', message: '没有权限' } }))
    await expect(client.get('/api/v1/audit-logs')).rejects.toMatchObject({ code: 'forbidden' })
    expect(hooks.notify).toHaveBeenCalledOnce()
    expect(hooks.onPasswordChangeRequired).not.toHaveBeenCalled()
  })

  it('turns a failed fetch into a network_error', async () => {
    const { client, hooks } = setup(() => Promise.reject(new TypeError('Failed to fetch')))
    await expect(client.get('/api/v1/users')).rejects.toMatchObject({ status: 0, code: NETWORK_ERROR })
    expect(hooks.notify).toHaveBeenCalledOnce()
    expect(hooks.onActivity).not.toHaveBeenCalled()
  })

  it('reports an unreadable success body', async () => {
    const { client, hooks } = setup(respond(200, undefined, '<html>'))
    await expect(client.get('/api/v1/users')).rejects.toMatchObject({ code: 'invalid_response' })
    expect(hooks.notify).toHaveBeenCalledOnce()
  })
})

describe('download', () => {
  it('posts JSON with the CSRF token and answers the file with its name', async () => {
    const xlsx = new Response(new Blob([new Uint8Array([0x50, 0x4b, 3, 4])]), {
      status: 200,
      headers: {
        'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'Content-Disposition': "attachment; filename=\"buildings.xlsx\"; filename*=UTF-8''%E6%A5%BC%E6%A0%8B%E6%B8%85%E5%8D%95.xlsx",
      },
    })
    const { client, fetchImpl } = setup(xlsx)
    const file = await client.download('POST', '/api/v1/map/query.xlsx', { body: { circle: { lon: 1, lat: 2, radius_m: 3 } } })
    expect(file.fileName).toBe('楼栋清单.xlsx')
    expect(file.blob.size).toBe(4)
    expect(headersOf(fetchImpl)['X-CSRF-Token']).toBe('csrf-123')
    expect(headersOf(fetchImpl)['Content-Type']).toBe('application/json')
    expect(fetchImpl.mock.calls[0]![1].body).toBe('{"circle":{"lon":1,"lat":2,"radius_m":3}}')
  })

  it('reads an error answer like any other request', async () => {
    const { client, hooks } = setup(respond(422, { error: { code: 'validation', message: '范围过大', field: 'geometry' } }))
    await expect(client.download('POST', '/api/v1/map/query.xlsx', { body: {} })).rejects.toMatchObject({
      status: 422,
      field: 'geometry',
    })
    expect(hooks.notify).toHaveBeenCalledOnce()
  })
})

describe('fileNameOf', () => {
  it('prefers the RFC 5987 name, then the plain one', () => {
    expect(fileNameOf("attachment; filename*=UTF-8''%E6%A5%BC.xlsx")).toBe('楼.xlsx')
    expect(fileNameOf('attachment; filename="a b.xlsx"')).toBe('a b.xlsx')
    expect(fileNameOf('attachment; filename=plain.xlsx; size=3')).toBe('plain.xlsx')
    expect(fileNameOf("attachment; filename*=UTF-8''%E0%A4%A; filename=\"fallback.xlsx\"")).toBe('fallback.xlsx')
    expect(fileNameOf('attachment')).toBeNull()
    expect(fileNameOf(null)).toBeNull()
  })
})
