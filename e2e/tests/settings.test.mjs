// Governance settings (治理参数, issue 16) in a real browser at 1440×900: the administrator changes
// the green class's inspection interval and the dispute mediation limit, and both are still there
// after a reload; a zero limit is refused with the server's message beside the field. A community
// officer has no such menu item, and the route answers 403.
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

/** Groups start open; the group's title is clicked only when the item is hidden. */
async function openMenu(page, group, item) {
  const target = page.getByTestId(`menu-${item}`)
  if (!(await target.isVisible())) await page.getByTestId(`menu-${group}`).locator('.el-sub-menu__title').click()
  await target.click()
}

/** Types a number into an el-input-number and leaves it, as a person does. */
async function type(locator, value) {
  const input = locator.locator('input')
  await input.fill(String(value))
  await input.press('Tab')
}

const tab = (page, name) => page.locator('.el-tabs__item', { hasText: name })

test('the administrator sets an inspection interval and a mediation limit that stay', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  await login(page, server.base, 'admin')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await openMenu(page, 'system', 'governance-settings')
  await page.waitForURL((u) => u.pathname === '/system/governance-settings')

  // 出租屋分级与巡查: green houses every 28 days instead of 21.
  const green = page.getByTestId('gs-inspection-green')
  await green.waitFor()
  assert.equal(await green.locator('input').inputValue(), '21')
  await page.getByTestId('gs-rules').getByText('房屋安全等级').first().waitFor()
  await type(green, 28)
  await page.getByTestId('gs-rental-save').click()
  await page.getByText('保存成功').first().waitFor()
  await shot(page, 'settings-1-rental')

  // 矛盾纠纷: mediation within 10 working days instead of 15.
  await tab(page, '矛盾纠纷').click()
  const mediate = page.getByTestId('gs-dispute-mediate-n')
  await mediate.waitFor()
  assert.equal(await mediate.locator('input').inputValue(), '15')
  await type(mediate, 10)
  await page.getByTestId('gs-dispute-save').click()
  await page.getByText('保存成功').first().waitFor()

  // The values are the server's: they are there after a reload.
  await page.reload()
  await page.getByTestId('gs-inspection-green').waitFor()
  assert.equal(await page.getByTestId('gs-inspection-green').locator('input').inputValue(), '28')
  await tab(page, '矛盾纠纷').click()
  await page.getByTestId('gs-dispute-mediate-n').waitFor()
  assert.equal(await page.getByTestId('gs-dispute-mediate-n').locator('input').inputValue(), '10')

  // A zero limit: the server's refusal is shown beside the field, and nothing is saved.
  await type(page.getByTestId('gs-dispute-mediate-n'), 0)
  await page.getByTestId('gs-dispute-save').click()
  await page
    .getByTestId('gs-dispute-mediate-item')
    .locator('.el-form-item__error', { hasText: '调解时限须大于 0 个工作日' })
    .waitFor()
  await shot(page, 'settings-2-dispute-refused')
  const saved = await (await page.request.get(`${server.base}/api/v1/dispute-settings`)).json()
  assert.deepEqual(saved.limits.mediate, { working_days: 10 })

  // The other two tabs load: the 条例's terms beside their limits, the visit schedule per group.
  await tab(page, '信访时限').click()
  await page.getByTestId('gs-petition-handling-item').getByText('自受理之日起 60 日内办结').waitFor()
  await shot(page, 'settings-3-petitions')
  await tab(page, '维稳与帮教').click()
  await page.getByTestId('gs-visit-table').getByText('社区矫正').first().waitFor()
  await shot(page, 'settings-4-stability')
  await context.close()
})

test('a community officer has no governance settings', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  await login(page, server.base, 'community_003002')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  // The 系统管理 group is there (the community's accounts), without 治理参数.
  await openMenu(page, 'system', 'users')
  await page.getByTestId('users-table').waitFor()
  assert.equal(await page.getByTestId('menu-governance-settings').count(), 0)
  await page.goto(`${server.base}/system/governance-settings`)
  await page.getByTestId('page-403').waitFor()
  assert.equal(await page.getByTestId('gs-tabs').count(), 0)
  await shot(page, 'settings-5-officer-403')
  await context.close()
})
