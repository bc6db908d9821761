// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { vPerms } from './perms'
import { useAuthStore } from '@/stores/auth'
import type { Session } from '@/api/types'
import type { PermissionCode } from '@/router/perms'

function session(permissions: PermissionCode[]): Session {
  return {
    user: {
      id: 1,
      username: 'zhangsan',
      display_name: '张三',
      org_unit_id: 1,
      org_unit_name: '龙岗区',
      roles: [],
      locked: false,
      must_change_password: false,
      totp_enabled: false,
      created_at: '2026-01-01T00:00:00Z',
    },
    roles: [],
    permissions,
    csrf_token: 't',
    must_change_password: false,
    must_enroll_totp: false,
    idle_timeout_minutes: 0,
  }
}

const Host = defineComponent({
  directives: { perms: vPerms },
  template: `<div>
    <button data-testid="write" v-perms="'user:write'">w</button>
    <button data-testid="any" v-perms="['role:grant', 'user:read']">a</button>
    <button data-testid="free">f</button>
  </div>`,
})

describe('v-perms', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('hides elements whose permission the user lacks', () => {
    useAuthStore().setSession(session(['user:read']))
    const w = mount(Host)
    expect((w.get('[data-testid=write]').element as HTMLElement).style.display).toBe('none')
    expect((w.get('[data-testid=any]').element as HTMLElement).style.display).toBe('')
    expect((w.get('[data-testid=free]').element as HTMLElement).style.display).toBe('')
  })

  it('shows them again when the permission arrives', async () => {
    const auth = useAuthStore()
    auth.setSession(session([]))
    const w = mount(Host)
    const el = w.get('[data-testid=write]').element as HTMLElement
    expect(el.style.display).toBe('none')
    auth.setSession(session(['user:write']))
    await w.vm.$forceUpdate()
    await nextTick()
    expect(el.style.display).toBe('')
  })
})
