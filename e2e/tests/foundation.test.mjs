// Issue 2 in a real browser: the admin sees Longgang's org tree and creates a community officer,
// the security administrator grants the role, and the officer sees only their community.
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

async function logout(page) {
  await page.getByTestId('user-menu').click()
  await page.getByTestId('logout').click()
  await page.waitForURL(/\/login/)
}

/** A node of the org tree by its unit name (the label also shows the level). */
function node(tree, name) {
  return tree.locator('.tree-node', { hasText: new RegExp(`(^|\\s)${name}$`) })
}

/** Groups start open; the group's title is clicked only when the item is hidden (a click on an
 * open group closes it). */
async function openMenu(page, group, item) {
  const target = page.getByTestId(`menu-${item}`)
  if (!(await target.isVisible())) await page.getByTestId(`menu-${group}`).locator('.el-sub-menu__title').click()
  await target.click()
}

test('admin creates a community officer who then sees only that community', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.setDefaultTimeout(15000)

  // The system administrator: Chinese UI, the org tree of 龙岗区 with its 11 subdistricts.
  await login(page, server.base, 'admin')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await openMenu(page, 'org', 'org-units')
  const tree = page.getByTestId('org-tree')
  await node(tree, '龙岗区').waitFor()
  for (const s of ['平湖街道', '坂田街道', '布吉街道', '龙城街道', '园山街道']) {
    await node(tree, s).waitFor()
  }
  await node(tree, '平湖街道').click()
  await page.getByTestId('org-detail-code').getByText('440307003000').waitFor()
  await shot(page, 'foundation-1-admin-org-tree')

  // Create the account of a community officer at 良安田社区.
  await openMenu(page, 'system', 'users')
  await page.getByTestId('users-create').click()
  const dialog = page.getByTestId('user-dialog')
  await dialog.getByTestId('user-username').locator('input').fill('lat_officer')
  await dialog.getByTestId('user-display-name').locator('input').fill('李社区')
  await dialog.getByTestId('user-org-unit').locator('input').first().click()
  await dialog.getByTestId('user-org-unit').locator('input').first().fill('良安田')
  await page.locator('.el-tree-select__popper .el-select-dropdown__item:visible', { hasText: /(^|\/ )良安田社区$/ }).first().click()
  await dialog.getByTestId('user-password').locator('input').first().fill('Init@2026ab')
  await shot(page, 'foundation-2-create-officer')
  await dialog.getByTestId('dialog-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByTestId('users-q').locator('input').fill('lat_officer')
  await page.getByTestId('users-search').click()
  await page.getByTestId('users-table').getByText('lat_officer').waitFor()
  await logout(page)

  // The security administrator grants the community officer role.
  await login(page, server.base, 'secadmin')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await openMenu(page, 'system', 'users')
  await page.getByTestId('users-q').locator('input').fill('lat_officer')
  await page.getByTestId('users-search').click()
  await page.getByTestId('user-roles-lat_officer').click()
  await page.getByTestId('role-community_officer').click()
  await page.getByTestId('roles-dialog').getByTestId('dialog-submit').click()
  await page.getByTestId('users-table').getByText('社区综管中心工作人员').waitFor()
  await logout(page)

  // The officer must change the administrator's password first, then sees only 良安田社区.
  await login(page, server.base, 'lat_officer', 'Init@2026ab')
  await page.getByTestId('password-forced').waitFor()
  await page.getByTestId('password-old').locator('input').fill('Init@2026ab')
  await page.getByTestId('password-new').locator('input').fill('Mine@2026xyz')
  await page.getByTestId('password-confirm').locator('input').fill('Mine@2026xyz')
  await page.getByTestId('password-submit').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/account'))
  await openMenu(page, 'org', 'org-units')
  const mine = page.getByTestId('org-tree')
  await node(mine, '良安田社区').waitFor()
  await node(mine, '良安田社区第01网格').waitFor()
  assert.equal(await node(mine, '龙岗区').count(), 0, 'the district is out of scope')
  assert.equal(await node(mine, '平湖街道').count(), 0, 'the subdistrict is out of scope')
  assert.equal(await node(mine, '新木社区').count(), 0, 'a neighbouring community is out of scope')
  await shot(page, 'foundation-3-officer-sees-own-community')

  // Their menu offers the users of their community but no role administration.
  assert.equal(await page.getByTestId('menu-roles').count(), 0)
  await openMenu(page, 'system', 'users')
  await page.getByTestId('users-table').getByText('grid_00300201').waitFor()
  assert.equal(await page.getByTestId('users-table').getByText('admin', { exact: true }).count(), 0)
  await page.close()
})

test('the audit administrator reads the logs and nothing else', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.setDefaultTimeout(15000)
  await login(page, server.base, 'auditor')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  assert.equal(await page.getByTestId('menu-org').count(), 0)
  assert.equal(await page.getByTestId('menu-system').count(), 0)
  await openMenu(page, 'audit', 'login-logs')
  await page.getByTestId('login-logs-table').getByText('auditor').first().waitFor()
  await page.getByTestId('login-logs-table').getByText('浏览器', { exact: true }).waitFor()
  await openMenu(page, 'audit', 'audit-logs')
  await page.getByTestId('audit-logs-table').locator('tbody tr').first().waitFor()
  // Every column is there, the last ones too: where from, and what.
  for (const column of ['结果', '客户端地址', '详情']) {
    await page.getByTestId('audit-logs-table').locator('th', { hasText: column }).waitFor()
  }
  await shot(page, 'foundation-4-audit-log')
  await page.close()
})
