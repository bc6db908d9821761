// The ★ 推荐 row of the report form in a real browser: a grid worker types a description, the row
// offers the item it describes, tapping the chip chooses it in the picker (and the picker still
// works); after the report the worker's recent item leads the empty form's row. The administrator
// edits an item's keywords on the case-items page.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launch, shot, login } from '../lib/harness.mjs'

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

async function signIn(username) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  await login(page, server.base, username)
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  return page
}

test('the ★ row suggests from the description and chooses the item', async () => {
  const worker = await signIn('grid_00300201')
  await worker.goto(`${server.base}/cases/report`)
  await worker.getByTestId('case-description').locator('textarea').fill('菜市场门口有人摆摊卖菜，堵住了人行道')
  const chip = worker.getByTestId('case-suggest-0801')
  await chip.waitFor()
  assert.equal(await chip.getAttribute('data-reason'), 'text')
  await shot(worker, 'suggest-1-row')
  await chip.click()
  const picker = worker.getByTestId('case-item').locator('.el-cascader input').first()
  await worker.waitForFunction((el) => el.value.includes('占道经营'), await picker.elementHandle())
  await worker.getByTestId('case-item-hint').waitFor()

  // The picker still chooses any item, and the chip no longer looks chosen.
  await picker.click()
  await worker.locator('.el-cascader-node', { hasText: '市容环境' }).click()
  await worker.locator('.el-cascader-node', { hasText: '暴露垃圾' }).click()
  await worker.waitForFunction((el) => el.value.includes('暴露垃圾'), await picker.elementHandle())

  // A report at one of the worker's buildings: the next empty form leads with its item.
  const buildings = await (await worker.request.get(`${server.base}/api/v1/buildings?page_size=1`)).json()
  assert.ok(buildings.items.length, 'the worker has buildings')
  const me = await (await worker.request.get(`${server.base}/api/v1/auth/me`)).json()
  const res = await worker.request.post(`${server.base}/api/v1/cases`, {
    data: { item_code: '0401', description: '垃圾堆了好几天', building_code: buildings.items[0].code },
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
  })
  assert.equal(res.status(), 201, await res.text())
  await worker.goto(`${server.base}/cases/report`)
  const recent = worker.getByTestId('case-suggest-0401')
  await recent.waitFor()
  assert.equal(await recent.getAttribute('data-reason'), 'recent')
})

test('the administrator edits an item\'s keywords', async () => {
  const admin = await signIn('admin')
  await admin.goto(`${server.base}/system/case-items`)
  await admin.getByTestId('case-item-edit-0807').click()
  const box = admin.getByTestId('case-item-keywords').locator('textarea')
  assert.match(await box.inputValue(), /盲道/)
  await box.fill('盲道、盲道被占，蹦床')
  await admin.getByTestId('case-item-save').click()
  await admin.getByTestId('case-item-keywords-0807').getByText('盲道、盲道被占、蹦床').waitFor()
  await shot(admin, 'suggest-2-keywords')
})
