// Issue 16 (维稳) in a real browser: a community officer registers an incident with a party found
// in the registry by ID number and reports it up; then records a follow-up visit on a
// phone-sized screen (390×844).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launch, shot, login } from '../lib/harness.mjs'

let server
let browser

const area = (id) => `[data-testid="${id}"] textarea, textarea[data-testid="${id}"]`
const input = (id) => `[data-testid="${id}"] input, input[data-testid="${id}"]`

before(async () => {
  server = await startServer()
  browser = await launch()
})

after(async () => {
  await browser?.close()
  server?.stop()
})

test('register an incident with a party found by ID number and report it up', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.setDefaultTimeout(20000)
  await login(page, server.base, 'community_003002')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  // The full ID number of a resident of the community (the officer may read it in full).
  const full = await page.evaluate(async () => {
    const r = await (await fetch('/api/v1/residents?page_size=1')).json()
    const one = await (await fetch(`/api/v1/residents/${r.items[0].id}?unmasked=true`)).json()
    return { id: r.items[0].id, name: r.items[0].name, id_number: one.id_number }
  })
  await page.goto(`${server.base}/governance/incidents`)
  await page.getByTestId('incident-table').waitFor()
  await page.getByTestId('incident-new').click()
  const form = page.getByTestId('incident-form')
  await form.waitFor()
  await form.locator(input('incident-title')).fill('工业区工人聚集讨薪')
  const lookup = /^\d{17}[\dX]$/.test(full.id_number ?? '') ? full.id_number : full.name
  await form.locator(input('incident-party-lookup')).fill(lookup)
  await form.getByTestId('incident-party-find').click()
  await page.getByTestId(`incident-party-pick-${full.id}`).click()
  await shot(page, 'stability-1-register')
  await page.getByTestId('incident-save').click()
  await page.getByTestId('incident-state').getByText('逐级上报中').waitFor()
  await page.getByTestId('incident-step-report-up').click()
  await page.getByTestId('incident-report-row').first().getByText(/按时|超时/).waitFor()
  await shot(page, 'stability-2-reported')
  await page.close()
})

test('a community officer records a follow-up visit at 390×844', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  page.setDefaultTimeout(20000)
  await login(page, server.base, 'community_003002')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.goto(`${server.base}/governance/special-groups`)
  await page.getByTestId('followup-counts').waitFor()
  const first = page.locator('[data-testid^="followup-visit-"]').first()
  await first.click()
  const form = page.getByTestId('visit-form')
  await form.waitFor()
  const box = await form.boundingBox()
  assert.ok(box && box.width <= 390, `the form fits the phone: ${box?.width}`)
  await form.getByText('电话').click()
  await form.locator(area('visit-situation')).fill('电话联系本人，情绪稳定，按时报到')
  await shot(page, 'stability-3-visit-phone')
  await page.getByTestId('visit-save').click()
  await page.getByText('走访已登记').waitFor()
  await page.close()
})
