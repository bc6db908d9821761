import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import zhCN from './zh-CN'
import en from './en'

type Tree = { [k: string]: string | Tree }

function leaves(obj: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv)
  }
  return out
}

const zh = leaves(zhCN as Tree)
const eng = leaves(en as unknown as Tree)

/** {name} placeholders of a message. */
const placeholders = (msg: string) => [...msg.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    if (statSync(p).isDirectory()) return sourceFiles(p)
    return /\.(ts|vue)$/.test(f) && !/\.spec\.ts$/.test(f) && !f.endsWith('.d.ts') ? [p] : []
  })
}

describe('locales', () => {
  it('zh-CN and en have exactly the same keys', () => {
    const onlyZh = [...zh.keys()].filter((k) => !eng.has(k))
    const onlyEn = [...eng.keys()].filter((k) => !zh.has(k))
    expect(onlyZh).toEqual([])
    expect(onlyEn).toEqual([])
  })

  it('has no empty messages', () => {
    for (const [k, v] of [...zh, ...eng]) expect(v.trim(), k).not.toBe('')
  })

  it('uses the same placeholders in both languages', () => {
    for (const [k, v] of zh) expect(placeholders(eng.get(k) ?? ''), k).toEqual(placeholders(v))
  })

  it('uses no vue-i18n special characters by accident', () => {
    // "@" starts a linked message and "|" separates plural forms in vue-i18n's message syntax.
    for (const [k, v] of [...zh, ...eng]) expect(v, k).not.toMatch(/[@|]/)
  })

  it('speaks the words government staff use', () => {
    expect(zh.get('app.title')).toBe('大综管信息管理系统')
    expect(eng.get('app.title')).toBe('Zongguan Governance Platform')
    expect(zh.get('menu.org')).toBe('组织架构')
    expect(zh.get('menu.orgUnits')).toBe('机构网格')
    expect(zh.get('menu.departments')).toBe('成员单位')
    expect(zh.get('menu.staff')).toBe('队伍人员')
    expect(zh.get('menu.users')).toBe('用户管理')
    expect(zh.get('menu.roles')).toBe('角色权限')
    expect(zh.get('menu.auditLogs')).toBe('审计日志')
    expect(zh.get('menu.loginLogs')).toBe('登录日志')
    expect(zh.get('layout.logout')).toBe('退出登录')
    expect(zh.get('dataScope.unit_and_below')).toBe('本级及以下')
    expect(zh.get('auth.sessionExpired')).toBe('会话已过期，请重新登录')
    expect([zh.get('level.district'), zh.get('level.subdistrict'), zh.get('level.community'), zh.get('level.grid')]).toEqual([
      '区',
      '街道',
      '社区',
      '网格',
    ])
  })

  it('has every key that the code names literally', () => {
    const root = join(__dirname, '..')
    const missing: string[] = []
    const pattern = /(?:\$t|\bt)\(\s*'([a-zA-Z][\w.-]*)'/g
    const titles = /title: '([a-zA-Z][\w.]*)'/g
    for (const file of sourceFiles(root)) {
      if (file.includes(`${join('src', 'locales')}`)) continue
      const text = readFileSync(file, 'utf8')
      for (const m of [...text.matchAll(pattern), ...text.matchAll(titles)]) {
        const key = m[1]!
        if (!zh.has(key)) missing.push(`${file.slice(root.length + 1)}: ${key}`)
      }
    }
    expect(missing).toEqual([])
  })
})
