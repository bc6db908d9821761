// Issue 16 (信访) in a real browser: a community officer registers a petition of a resident picked
// from the registry, accepts it (the handling clock starts), answers it (the answer states the
// 30-day right to a review) and sees the timeline and the list's clock.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launch, shot, login } from '../lib/harness.mjs'

let server
let browser

/** An el-input textarea by test id, wherever Element Plus puts the attribute. */
const area = (id) => `[data-testid="${id}"] textarea, textarea[data-testid="${id}"]`

before(async () => {
  server = await startServer()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  server?.stop()
})

test('register a petition, accept it and answer it', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.setDefaultTimeout(20000)
  await login(page, server.base, 'community_003002')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  // A resident of the officer's community, by name, as the picker finds people.
  const resident = await page.evaluate(async () => {
    const r = await fetch('/api/v1/residents?page_size=1')
    return (await r.json()).items[0]
  })
  assert.ok(resident?.name, 'the demo has residents')

  const item = page.getByTestId('menu-governance-petitions')
  if (!(await item.isVisible())) await page.getByTestId('menu-governance').locator('.el-sub-menu__title').click()
  await item.click()
  await page.getByTestId('petition-table').waitFor()
  await page.getByTestId('petition-figures').waitFor()
  await shot(page, 'petitions-1-list')

  await page.getByTestId('petition-new').click()
  const form = page.getByTestId('petition-form')
  await form.waitFor()
  await form.locator(`[data-testid="petition-pick"] input, input[data-testid="petition-pick"]`).first().fill(resident.name)
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: resident.id_number }).first().click()
  await form.getByTestId('petition-category').click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '城乡建设' }).first().click()
  await form.locator(area('petition-matter')).fill('反映小区道路破损，雨天积水严重')
  await form.locator(`[data-testid="petition-place"] input, input[data-testid="petition-place"]`).fill('良安田花园南门')
  await shot(page, 'petitions-2-register')
  await form.getByTestId('petition-save').click()

  // The drawer opens on the new petition, waiting for acceptance.
  const drawer = page.getByTestId('petition-drawer')
  await drawer.getByTestId('petition-state').getByText('待受理').waitFor()
  const number = (await drawer.getByTestId('petition-number').innerText()).trim()
  assert.match(number, /^XF\d{4}-\d{6}$/)
  await drawer.getByTestId('petition-clock').getByText(/受理告知/).waitFor()

  await drawer.getByTestId('petition-step-accept').click()
  await drawer.getByTestId('petition-step-submit').click()
  await drawer.getByTestId('petition-state').getByText('办理中').waitFor()
  await drawer.getByTestId('petition-clock').getByText(/办理/).waitFor()
  await drawer.getByTestId('petition-timeline').getByText('交办').waitFor()

  await drawer.getByTestId('petition-step-answer').click()
  await drawer.locator(area('petition-step-text')).fill('已安排修复路面并疏通排水。')
  await drawer.getByTestId('petition-step-submit').click()
  await drawer.getByTestId('petition-state').getByText('已答复').waitFor()
  await drawer.getByTestId('petition-answer').getByText(/30日内/).waitFor()
  await drawer.getByTestId('petition-clock').getByText(/复查申请期/).waitFor()
  await shot(page, 'petitions-3-answered')

  // The list shows it answered, its review window running.
  await page.keyboard.press('Escape')
  const table = page.getByTestId('petition-table')
  const row = table.locator('tr').filter({ hasText: number })
  await row.getByText('已答复').waitFor()
  await row.getByText(/复查申请期/).waitFor()
  await shot(page, 'petitions-4-list-after')
  await page.close()
})
