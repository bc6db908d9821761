// The cases admin pages in a real browser: the administrator changes a case item's handling limit,
// finds the public holidays in the working calendar, and creates an Open311 key shown only once.
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

test('admin configures case items, the calendar and an API key', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  await login(page, server.base, 'admin')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))

  // 事项配置: item 0101's handling limit becomes 3 working days.
  await page.goto(`${server.base}/system/case-items`)
  const table = page.getByTestId('case-items-table')
  await table.getByTestId('case-item-edit-0101').click()
  const dialog = page.getByTestId('case-item-dialog')
  await dialog.getByTestId('case-item-handle_limit-n').locator('input').fill('3')
  await dialog.getByTestId('case-item-handle_limit-unit').locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: /^工作日$/ }).click()
  await page.getByTestId('case-item-save').click()
  await dialog.waitFor({ state: 'hidden' })
  await table.getByTestId('case-item-handle_limit-0101').getByText('3个工作日', { exact: true }).waitFor()
  await shot(page, 'admin-1-case-items')

  // The change is the server's: it is still there after a reload.
  await page.reload()
  await page.getByTestId('case-item-handle_limit-0101').getByText('3个工作日', { exact: true }).waitFor()

  // 工作日历: the 2026 National Day holiday is listed.
  await page.goto(`${server.base}/system/calendar`)
  await page.getByTestId('calendar-holidays').getByTestId('calendar-date-2026-10-01').waitFor()
  await shot(page, 'admin-2-calendar')

  // 接口密钥: a key for the citizen hotline, shown once.
  await page.goto(`${server.base}/system/api-keys`)
  await page.getByTestId('api-keys-table').waitFor()
  await page.getByTestId('api-key-new').click()
  await page.getByTestId('api-key-name').locator('input').fill('市民热线')
  await page.getByTestId('api-key-create').click()
  const created = page.getByTestId('api-key-created')
  await created.getByText('密钥只显示一次，请妥善保存').waitFor()
  const key = (await page.getByTestId('api-key-value').textContent())?.trim() ?? ''
  assert.ok(key.length >= 16, `a full key is shown: ${key}`)
  await shot(page, 'admin-3-api-key-created')
  await page.getByTestId('api-key-close').click()
  await created.waitFor({ state: 'hidden' })
  const row = page.getByTestId('api-keys-table').locator('tr', { hasText: '市民热线' })
  await row.getByText('使用中').waitFor()
  assert.equal(await page.getByText(key).count(), 0, 'the key is not shown again')
  await shot(page, 'admin-4-api-keys')
  await context.close()
})
