// Notices (issue 16) in a real browser: the community center opens a case it dispatched, issues a
// 交办通知书 from the case page, downloads the DOCX (a zip holding the serial), voids it with a
// reason, issues the next one and records its return slip; the system administrator edits the
// kind's template with a placeholder tag, sees bad input refused beside the field, sets a unit's
// prefix with the serial it gives, and resets the template.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, launch, shot, signIn as harnessSignIn, inRing } from '../lib/harness.mjs'

const GRID_CODE = '44030700300201'

let server
let browser

before(async () => {
  server = await startServer()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  server?.stop()
})

const signIn = (username) => harnessSignIn(browser, server.base, username, { width: 1400, height: 900, acceptDownloads: true })

/** JSON API calls in the page's session, with its CSRF token on writes. */
function api(page) {
  let token
  const call = async (method, path, body) => {
    if (!token) token = (await (await page.request.get(`${server.base}/api/v1/auth/me`)).json()).csrf_token
    const r = await page.request.fetch(`${server.base}${path}`, {
      method,
      headers: { 'X-CSRF-Token': token, 'Content-Type': 'application/json' },
      data: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = await r.json()
    assert.ok(r.ok(), `${method} ${path} → ${r.status()} ${JSON.stringify(json)}`)
    return json
  }
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b ?? {}) }
}

/** A lattice point inside the grid's (first) polygon, nearest its box's centre. */
function pointIn(geometry) {
  const ring = geometry.type === 'MultiPolygon' ? geometry.coordinates[0][0] : geometry.coordinates[0]
  const xs = ring.map((p) => p[0])
  const ys = ring.map((p) => p[1])
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  const c = [(x0 + x1) / 2, (y0 + y1) / 2]
  let best = null
  for (let i = 1; i < 30; i++) {
    for (let j = 1; j < 30; j++) {
      const p = [x0 + ((x1 - x0) * i) / 30, y0 + ((y1 - y0) * j) / 30]
      if (!inRing(p, ring)) continue
      const d = Math.hypot(p[0] - c[0], p[1] - c[1])
      if (!best || d < best.d) best = { p, d }
    }
  }
  assert.ok(best, 'the grid has an inside')
  return best.p
}

/** The text of a .docx's body (word/document.xml without its tags). */
function docxText(bytes) {
  const dir = mkdtempSync(join(tmpdir(), 'notice-'))
  const file = join(dir, 'n.docx')
  writeFileSync(file, bytes)
  const xml = execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8')
  return xml.replace(/<[^>]+>/g, '')
}

/** A case reported in 良安田 grid 01 by its grid worker, accepted and dispatched by the center. */
async function dispatchedCase(center) {
  const worker = await signIn('grid_00300201')
  const units = await api(worker).get('/api/v1/org-units?level=grid')
  const grid = units.items.find((u) => u.code === GRID_CODE)
  assert.ok(grid?.geometry, 'the grid worker sees their grid')
  const [lon, lat] = pointIn(grid.geometry)
  const c = await api(worker).post('/api/v1/cases', {
    item_code: '0101',
    description: '楼道堆放杂物，堵塞消防通道',
    location: { lon, lat },
    address: '良安田新村3栋',
  })
  await worker.context().close()
  const a = api(center)
  const accepted = await a.post(`/api/v1/cases/${c.id}/actions`, { action: 'accept', version: c.version })
  const dispatched = await a.post(`/api/v1/cases/${c.id}/actions`, { action: 'dispatch', version: accepted.version })
  return dispatched
}

test('the center issues a 交办通知书 from the case page, downloads it and voids it', async () => {
  const center = await signIn('community_003002')
  const c = await dispatchedCase(center)
  await center.goto(`${server.base}/cases/${c.id}`)
  await center.getByTestId('case-code').getByText(c.code).waitFor()
  const panel = center.getByTestId('notice-panel')
  await panel.getByText('尚未生成文书').waitFor()

  await panel.getByTestId('notice-issue').click()
  const dialog = center.getByTestId('notice-issue-dialog')
  await dialog.getByTestId('notice-kind').getByText('交办通知书').waitFor()
  await dialog.getByTestId('notice-value-交办依据').fill('群众反映强烈，按职责交办')
  assert.equal(await dialog.getByTestId('notice-value-处理意见').count(), 0, 'an assignment asks only what its body uses')
  await shot(center, 'notices-1-issue-form')
  await dialog.getByTestId('notice-issue-submit').click()
  const serialText = (await dialog.getByTestId('notice-issued-serial').innerText()).trim()
  const year = new Date().getFullYear()
  assert.match(serialText, new RegExp(`^.+综治交〔${year}〕1号$`))
  await shot(center, 'notices-2-issued')

  // 下载 right away: the .docx is a zip whose body holds the serial, the title and the basis.
  const [download] = await Promise.all([center.waitForEvent('download'), dialog.getByTestId('notice-issued-download').click()])
  assert.match(download.suggestedFilename(), /\.docx$/)
  const bytes = readFileSync(await download.path())
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a .docx is a zip')
  const text = docxText(bytes)
  for (const want of [serialText, '交办通知书', '群众反映强烈，按职责交办', c.code]) {
    assert.ok(text.includes(want), `the document holds ${want}`)
  }
  await center.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })

  // The panel lists it: serial, title, 待回执.
  const list = await api(center).get(`/api/v1/notices?subject_kind=case&subject_id=${c.id}`)
  assert.equal(list.total, 1)
  const n = list.items[0]
  assert.equal(n.serial, serialText)
  await panel.getByTestId(`notice-serial-${n.id}`).getByText(serialText).waitFor()
  await panel.getByTestId(`notice-status-${n.id}`).getByText('待回执').waitFor()

  // 作废: a reason is required (said beside the field), then the notice shows 已作废.
  await panel.getByTestId(`notice-void-${n.id}`).click()
  const voiding = center.getByTestId('notice-void-dialog')
  await voiding.getByTestId('notice-void-submit').click()
  await voiding.getByText('请输入作废原因').waitFor()
  await voiding.getByTestId('notice-void-reason').fill('主送单位有误，重新印发')
  await voiding.getByTestId('notice-void-submit').click()
  await voiding.waitFor({ state: 'hidden' })
  await panel.getByTestId(`notice-status-${n.id}`).getByText('已作废').waitFor()
  assert.equal(await panel.getByTestId(`notice-void-${n.id}`).count(), 0, 'a voided notice has no 作废 button')
  await shot(center, 'notices-3-voided')
  const after = await api(center).get(`/api/v1/notices/${n.id}`)
  assert.equal(after.void_reason, '主送单位有误，重新印发')

  // The next one takes number 2 (a voided serial is never reused); its return slip is recorded.
  await panel.getByTestId('notice-issue').click()
  await dialog.getByTestId('notice-issue-submit').click()
  const second = (await dialog.getByTestId('notice-issued-serial').innerText()).trim()
  assert.equal(second, serialText.replace('〕1号', '〕2号'))
  await center.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  const n2 = (await api(center).get(`/api/v1/notices?subject_kind=case&subject_id=${c.id}`)).items.find((x) => x.serial === second)
  await panel.getByTestId(`notice-return-${n2.id}`).click()
  const slip = center.getByTestId('notice-return-dialog')
  await slip.getByTestId('notice-return-receiver').fill('平湖派出所 张警官')
  await slip.getByTestId('notice-return-result').fill('已清理楼道杂物')
  await slip.getByTestId('notice-return-submit').click()
  await slip.waitFor({ state: 'hidden' })
  await panel.getByTestId(`notice-status-${n2.id}`).getByText('回执已登记').waitFor()
  assert.equal(await panel.getByTestId(`notice-return-${n2.id}`).count(), 0, 'a slip is recorded once')

  // 文书管理 lists both, filtered by kind and year.
  await center.goto(`${server.base}/governance/notices`)
  const table = center.getByTestId('notices-table')
  await table.getByTestId(`notice-serial-${n.id}`).waitFor()
  await table.getByTestId(`notice-serial-${n2.id}`).waitFor()
  await table.getByText('已作废').waitFor()
  await center.getByTestId('notices-kind-filter').locator('.el-select__wrapper').click()
  await center.locator('.el-select-dropdown__item:visible', { hasText: '销案通知书' }).click()
  await center.getByTestId('notices-search').click()
  await table.getByText('暂无数据').waitFor()
  await shot(center, 'notices-4-register')
  await center.context().close()
})

test('the administrator edits a template with a placeholder tag and resets it', async () => {
  const admin = await signIn('admin')
  await admin.goto(`${server.base}/governance/notices`)
  const templates = admin.getByTestId('notice-templates')
  await templates.getByTestId('notice-template-kind-assignment').click()
  await templates.getByTestId('notice-template-default').waitFor()

  const body = templates.getByTestId('notice-template-body')
  const original = await body.inputValue()
  assert.ok(original.includes('{{'), 'the built-in body has placeholders')
  await body.fill('特此交办。联系人：')
  await templates.getByTestId('notice-field-经办人').click()
  assert.equal(await body.inputValue(), '特此交办。联系人：{{经办人}}')
  // An unknown placeholder is refused beside the body.
  await body.fill('{{不存在的字段}}')
  await templates.getByTestId('notice-template-save').click()
  await templates.getByText('“{{不存在的字段}}”不是可用的字段').waitFor()

  await body.fill(`${original}\n请于收到本通知后联系{{经办人}}。`)
  await templates.getByTestId('notice-template-save').click()
  await templates.getByTestId('notice-template-custom').waitFor()
  const saved = (await api(admin).get('/api/v1/notice-templates')).find((x) => x.kind === 'assignment')
  assert.equal(saved.is_default, false)
  assert.ok(saved.body.endsWith('请于收到本通知后联系{{经办人}}。'))
  await shot(admin, 'notices-5-template-edited')

  // The issuing unit's prefix: a space is refused by name; a good one shows the serial it gives.
  const unit = templates.getByTestId('notice-prefix-unit')
  await unit.locator('input').first().click()
  await unit.locator('input').first().fill('平湖')
  await admin.locator('.el-tree-select__popper .el-select-dropdown__item:visible', { hasText: /(^|\/ )平湖街道$/ }).first().click()
  const prefix = templates.getByTestId('notice-prefix-input')
  await prefix.waitFor()
  await prefix.fill('平湖 综治')
  await templates.getByTestId('notice-prefix-save').click()
  await templates.locator('.el-form-item__error').first().waitFor()
  await prefix.fill('平湖综治办')
  const year = new Date().getFullYear()
  await templates.getByTestId('notice-prefix-preview').getByText(`平湖综治办交〔${year}〕1号`).waitFor()
  await templates.getByTestId('notice-prefix-save').click()
  await templates.getByText('已设置').waitFor()

  await templates.getByTestId('notice-template-reset').click()
  await admin.locator('.el-message-box').getByRole('button', { name: '恢复默认' }).click()
  await templates.getByTestId('notice-template-default').waitFor()
  assert.equal(await body.inputValue(), original)
  await admin.context().close()
})
