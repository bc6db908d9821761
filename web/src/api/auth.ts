// Endpoints of /api/v1/auth: session, password, TOTP and personal API tokens.
import { http } from './client'
import type { ApiToken, CreatedToken, LoginRequest, NewToken, PasswordChange, Session, TotpSetup } from './types'

const base = '/api/v1/auth'

export const authApi = {
  /** Errors are left to the login page (it shows the TOTP field on `totp_required`). */
  login: (body: LoginRequest) =>
    http.post<Session>(`${base}/login`, body, { silent: true, skipAuthHandling: true }),
  logout: () => http.post<void>(`${base}/logout`, undefined, { silent: true, skipAuthHandling: true }),
  /** `probe`: the start-up check, where a 401 just means "not logged in". */
  me: (probe = false) =>
    http.get<Session>(`${base}/me`, undefined, probe ? { silent: true, skipAuthHandling: true } : {}),
  changePassword: (body: PasswordChange) => http.post<void>(`${base}/password`, body),
  totpSetup: () => http.post<TotpSetup>(`${base}/totp/setup`),
  totpEnable: (code: string) => http.post<void>(`${base}/totp/enable`, { code }),
  listTokens: () => http.get<{ items: ApiToken[] }>(`${base}/tokens`).then((l) => l.items),
  createToken: (body: NewToken) => http.post<CreatedToken>(`${base}/tokens`, body),
  revokeToken: (id: number) => http.del(`${base}/tokens/${id}`),
}
