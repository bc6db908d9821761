// 电子防控 in a real browser: a community officer filters the camera register, adds a camera at a
// building of the community, finds it in the list, marks it 故障, and sees it on the map office's
// 视频监控 layer with that status.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launch, shot, login, getJson } from '../lib/harness.mjs'

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

const CODE = 'E2E-440307003-SP-9001'

const api = getJson

test('add a camera, change its status, see it on the map', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  await login(page, server.base, 'community_003002')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  // A building of the community: the camera goes beside it, so its grid is found from the point.
  const building = (await api(page, '/api/v1/buildings?page_size=1')).items[0]
  assert.ok(building, 'the community has buildings')

  await page.getByTestId('menu-governance').click()
  await page.getByTestId('menu-governance-cameras').click()
  const table = page.getByTestId('cameras-table')
  await table.locator('tbody tr').first().waitFor()

  // ---- filter: offline cameras only ----
  await page.getByTestId('cameras-status').locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '离线' }).click()
  await page.getByTestId('cameras-search').click()
  const offline = (await api(page, '/api/v1/cameras?status=offline')).total
  // The unfiltered page has 20 rows too: wait for the filtered rows themselves, not a count.
  await page.waitForFunction(
    (n) => {
      const rows = [...document.querySelectorAll('[data-testid="cameras-table"] tbody tr')]
      return rows.length === Math.min(n, 20) && rows.every((r) => r.querySelector('.el-tag')?.textContent.trim() === '离线')
    },
    offline,
  )
  const tags = await table.locator('tbody tr .el-tag').allInnerTexts()
  assert.ok(tags.length > 0 && tags.every((s) => s.trim() === '离线'), `only offline cameras: ${tags}`)
  await shot(page, 'cameras-1-filter')
  await page.getByRole('button', { name: '重置' }).click()

  // ---- 新增设备 ----
  await page.getByTestId('cameras-create').click()
  const form = page.getByTestId('camera-form')
  const field = (label) => form.locator('.el-form-item', { has: page.locator('label', { hasText: new RegExp(`^${label}$`) }) })
  await field('设备编码').locator('input').fill(CODE)
  await field('设备名称').locator('input').fill('良安田新村东门高清探头')
  await field('经度').locator('input').fill(String(building.lon))
  await field('纬度').locator('input').fill(String(building.lat))
  await field('纬度').locator('input').press('Tab')
  await shot(page, 'cameras-2-create')
  await page.getByTestId('camera-save').click()
  await page.getByText('设备已保存').waitFor()

  // ---- in the list, by its code ----
  const q = page.getByPlaceholder('设备编码 / 名称')
  await q.fill(CODE)
  await q.press('Enter')
  const row = table.locator('tbody tr').filter({ hasText: CODE })
  // The new camera heads the unfiltered list too: wait for the search's one row, not for the row.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="cameras-table"] tbody tr').length === 1)
  await row.getByText('在线').waitFor()
  assert.equal(await table.locator('tbody tr').count(), 1)
  const camera = (await api(page, `/api/v1/cameras?q=${CODE}`)).items[0]
  assert.equal(camera.grid_id, building.grid_id, 'placed in the building’s grid')
  await row.getByText(camera.grid_name).waitFor()

  // ---- 故障 ----
  await page.getByTestId(`camera-edit-${camera.id}`).click()
  await field('状态').locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '故障' }).click()
  await page.getByTestId('camera-save').click()
  await row.getByText('故障').waitFor()
  await shot(page, 'cameras-3-fault')

  // ---- the map office's 视频监控 layer ----
  await page.goto(`${server.base}/map`)
  await page.waitForFunction(() => !!window.__zgMap)
  await page.getByRole('tab', { name: '图层', exact: true }).click()
  const toggle = page.getByTestId('layer-toggle-cameras')
  if (!(await toggle.locator('input').isChecked())) await toggle.click()
  assert.ok(await toggle.locator('input').isChecked(), 'the camera layer is on')
  const d = 0.001
  const bbox = [building.lon - d, building.lat - d, building.lon + d, building.lat + d].join(',')
  const found = await api(page, `/api/v1/map/features?layer=cameras&bbox=${bbox}`)
  const feature = found.features.find((f) => f.id === camera.id)
  assert.ok(feature, 'the camera is on the layer')
  assert.equal(feature.properties.status, 'fault')
  await shot(page, 'cameras-4-map')
  await context.close()
})
