// Issue 16 in a real browser at phone size (390×844, touch): a community officer opens a rental
// house from its plate's link, confirms its class, and records an all-clear inspection — counting
// every tap from the house's page to the saved visit (the mark: at most 10).
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

test('classify a rental house and inspect it all clear at phone size, in at most 10 taps', async () => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  })
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  await login(page, server.base, 'community_003002')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))

  // A rental house of the community, as its plate's QR code would open it.
  const list = await (await page.request.get(`${server.base}/api/v1/rental-houses?page_size=1`)).json()
  assert.ok(list.items.length > 0, 'the demo has rental houses in the community')
  const house = list.items[0]

  let taps = 0
  const tap = async (locator) => {
    await locator.tap()
    taps += 1
  }

  await page.goto(`${server.base}/governance/rental?house=${house.id}`)
  const drawer = page.getByTestId('rental-drawer')
  await drawer.getByTestId('rental-class').waitFor()
  const box = await drawer.boundingBox()
  assert.ok(box && box.width >= 380, `the house fills the phone's width (${box?.width}px)`)

  // Confirm a class: open the picker, choose, confirm.
  await tap(drawer.getByTestId('rental-confirm-class'))
  await tap(page.getByRole('option', { name: '关注级' }))
  await tap(drawer.getByTestId('rental-confirm'))
  await drawer.getByTestId('rental-class').getByText('关注级').waitFor()
  await shot(page, 'rental-1-classified-phone')

  // The all-clear visit: every item passes by default; 巡查, then 提交.
  taps = 0
  await tap(drawer.getByTestId('rental-inspect'))
  const form = page.getByTestId('inspection-form')
  await form.getByTestId('inspection-submit').waitFor()
  const checks = await form.locator('[data-testid^="check-"]').count()
  assert.ok(checks >= 5, `the class's checklist (${checks} items)`)
  await shot(page, 'rental-2-inspection-form-phone')
  await tap(form.getByTestId('inspection-submit'))
  await form.waitFor({ state: 'hidden' })
  const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })
  await drawer.getByTestId('rental-inspections').getByText(today).first().waitFor()
  assert.ok(taps <= 10, `an all-clear inspection took ${taps} taps`)
  const after = await (await page.request.get(`${server.base}/api/v1/rental-houses/${house.id}/inspections`)).json()
  assert.equal(after.items[0].hazards + after.items[0].major_hazards, 0, 'all clear')
  await shot(page, 'rental-3-inspected-phone')
  await context.close()
})
