// Issue 16 in a real browser: a community officer registers a dispute whose party is found in the
// registry by identity number, then assigns (交办) it; the drawer's timeline shows both steps; the
// 交办通知书 is generated from the drawer and the DOCX downloaded and opened.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { startServer, launch, shot, login, withCheck } from '../lib/harness.mjs'

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

/** GB 11643 check character for 17 digits. */
test('register a dispute with a party found by identity number, then assign it', async () => {
  const number = withCheck('44030719820606351')
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.setDefaultTimeout(20000)
  await login(page, server.base, 'community_003002')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))

  // The party lives in the registry: registered there once, through the API.
  const made = await page.evaluate(async (idNumber) => {
    const me = await (await fetch('/api/v1/auth/me')).json()
    const post = async (path, body) => {
      const r = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify(body),
      })
      return { status: r.status, body: await r.json() }
    }
    const grids = await (await fetch('/api/v1/org-units?level=grid&q=44030700300201')).json()
    const grid = grids.items.find((u) => u.code === '44030700300201').id
    const b = await post('/api/v1/buildings', { code: 'E2E-DISPUTE', name: '纠纷测试楼', address: '良安田新村8栋', grid_id: grid, lon: 114.12, lat: 22.68, floors: 6, use_type: '住宅' })
    const h = await post('/api/v1/houses', { building_id: b.body.id, room: '808', area: 60, use_type: 'residential' })
    const r = await post('/api/v1/residents', { name: '钟国华', id_number: idNumber, registration_type: '户籍人口', phone: '13800001234', house_id: h.body.id })
    return r.status
  }, number)
  assert.equal(made, 201)

  await page.getByTestId('menu-governance').click()
  await page.getByTestId('menu-governance-disputes').click()
  await page.getByTestId('disputes-table').waitFor()
  await page.getByTestId('dispute-register').click()
  const form = page.getByTestId('dispute-form')
  await form.waitFor()
  // The picker asks the registry by the number; the hit shows the name and the masked number.
  await form.getByTestId('party-picker').locator('input').fill(number)
  const masked = `${number.slice(0, 6)}********${number.slice(14)}`
  await page.locator('.el-select-dropdown__item:visible', { hasText: '钟国华' }).click()
  await form.getByTestId('party-0').getByText(masked).waitFor()
  await form.getByTestId('dispute-type').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '邻里纠纷' }).click()
  await form.locator('[data-testid=dispute-summary] textarea, textarea[data-testid=dispute-summary]').fill('楼上漏水至楼下，双方就维修费用分摊发生争执')
  await shot(page, 'disputes-1-register-form')
  await form.getByTestId('dispute-submit').click()

  // The new dispute opens in the drawer, to be assigned.
  const drawer = page.getByTestId('dispute-drawer')
  await drawer.getByTestId('dispute-number').waitFor()
  assert.match(await drawer.getByTestId('dispute-number').innerText(), /^JF\d{4}-\d{6}$/)
  assert.equal((await drawer.getByTestId('dispute-state').innerText()).trim(), '待交办')
  await drawer.getByTestId('dispute-parties').getByText(masked).waitFor()
  await drawer.getByTestId('dispute-step-assign').click()
  // The assigning unit defaults to the officer's own center.
  await page.getByTestId('assign-mediator').fill('李调解')
  await page.getByTestId('dispute-step-submit').click()
  await drawer.getByTestId('dispute-state').getByText('已交办').waitFor()
  await drawer.getByTestId('dispute-timeline').getByText(/交办.*李调解/).waitFor()
  await shot(page, 'disputes-2-assigned')

  // The 交办通知书 from the drawer: issued with the next serial, downloaded as the .docx issued.
  const panel = drawer.getByTestId('notice-panel')
  await panel.getByText('尚未生成文书').waitFor()
  await panel.getByTestId('notice-issue').click()
  const dialog = page.getByTestId('notice-issue-dialog')
  await dialog.getByTestId('notice-kind').getByText('交办通知书').waitFor()
  await dialog.getByTestId('notice-issue-submit').click()
  const serial = (await dialog.getByTestId('notice-issued-serial').innerText()).trim()
  assert.match(serial, new RegExp(`^.+综治交〔${new Date().getFullYear()}〕\\d+号$`))
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('notice-issued-download').click()])
  assert.match(download.suggestedFilename(), /\.docx$/)
  const file = await download.path()
  assert.equal(readFileSync(file).subarray(0, 2).toString('latin1'), 'PK', 'a .docx is a zip')
  const text = execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8').replace(/<[^>]+>/g, '')
  const dispute = (await drawer.getByTestId('dispute-number').innerText()).trim()
  for (const want of [serial, '交办通知书', dispute, '前办结并书面反馈']) {
    assert.ok(text.includes(want), `the notice holds ${want}`)
  }
  await shot(page, 'disputes-3-notice')
  await page.close()
})
