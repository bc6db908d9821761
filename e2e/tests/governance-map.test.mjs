// Rental houses on the map in a real browser: the community officer turns the 出租屋 layer on,
// draws an area around a rental house, 分配巡查 gives the houses found to a grid worker of their
// grid with a due date, and that grid worker sees the task in 巡查任务.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, launch, shot, getJson, signIn as harnessSignIn } from '../lib/harness.mjs'

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

const R = 6378137
const fromLonLat = ([lon, lat]) => [(lon * Math.PI * R) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))]

const signIn = (username) => harnessSignIn(browser, server.base, username)

const api = getJson

async function viewAt(page, lonLat, zoom) {
  await page.evaluate(
    (m) =>
      new Promise((resolve) => {
        const map = window.__zgMap
        setTimeout(resolve, 15000)
        map.once('rendercomplete', () => resolve())
        map.getView().setCenter(m.center)
        map.getView().setZoom(m.zoom)
        map.render()
      }),
    { center: fromLonLat(lonLat), zoom },
  )
}

async function pagePoint(page, lonLat) {
  const [px, py] = await page.evaluate((c) => window.__zgMap.getPixelFromCoordinate(c), fromLonLat(lonLat))
  const box = await page.getByTestId('map-canvas').boundingBox()
  return [box.x + px, box.y + py]
}

test('the rental layer, an area query and 分配巡查 to the grid worker', async () => {
  const page = await signIn('community_003002')
  await page.goto(`${server.base}/map`)
  await page.getByTestId('map-canvas').locator('canvas').first().waitFor()
  await page.waitForFunction(() => !!window.__zgMap)
  const config = await api(page, '/api/v1/map/config')
  assert.ok(config.layers.some((l) => l.name === 'rental_houses'), 'the rental layer is offered')
  assert.ok(config.thematic_metrics.some((m) => m.code === 'rental_by_class'), 'the class share metric is offered')

  // ---- 图层: 出租屋 on, with its class legend ----
  await page.getByRole('tab', { name: '图层', exact: true }).click()
  const toggle = page.getByTestId('layer-toggle-rental_houses')
  if (!(await toggle.locator('input').isChecked())) await toggle.click()
  assert.ok(await toggle.locator('input').isChecked(), 'the rental layer is on')
  await page.getByText('橙色（严管级）').first().waitFor()

  // ---- a rental house of the officer's community ----
  const list = await api(page, '/api/v1/rental-houses?page_size=50')
  assert.ok(list.items.length > 0, 'the demo has rental houses')
  const found = await api(page, `/api/v1/map/features?layer=rental_houses&bbox=${config.extent.join(',')}`)
  const house = found.features.find((f) => list.items.some((h) => h.id === f.id))
  assert.ok(house, 'a rental house is on the map')
  const at = house.geometry.coordinates
  const grid = list.items.find((h) => h.id === house.id).grid_id
  const workers = (await api(page, `/api/v1/org-units/${grid}/grid-workers`)).filter((w) => w.username)
  assert.ok(workers.length > 0, 'the grid has a worker with an account')
  await viewAt(page, at, 18)
  await shot(page, 'gov-map-1-rental-layer')

  // ---- 空间查询 around it, then 分配巡查 ----
  await page.getByRole('tab', { name: '空间查询', exact: true }).click()
  await page.getByTestId('query-draw-polygon').click()
  const [qx, qy] = await pagePoint(page, at)
  const corners = [
    [qx - 40, qy - 30],
    [qx + 40, qy - 30],
    [qx + 40, qy + 30],
    [qx - 40, qy + 30],
  ]
  for (const [x, y] of [...corners, corners[0]]) {
    await page.mouse.click(x, y)
    await page.waitForTimeout(400)
  }
  await page.getByTestId('query-counts').waitFor()
  // The area's rental houses by class, in the classes' order, adding up to the count above.
  const byClass = page.getByTestId('query-by-class')
  await byClass.waitFor()
  const classRows = await byClass.locator('tbody tr').allInnerTexts()
  const rentals = Number(await page.getByTestId('query-count-rental_houses').innerText())
  const summed = classRows.reduce((n, r) => n + Number(r.split(/\s+/).pop()), 0)
  assert.equal(summed, rentals, `classes ${JSON.stringify(classRows)} add up to ${rentals}`)
  assert.match(classRows[0], /宽管级|关注级|严管级|禁止级|未分类/)
  await page.getByTestId('query-assign').click()
  const rows = page.getByTestId('assign-houses').locator('tbody tr')
  await rows.first().waitFor()
  const n = await rows.count()
  assert.ok(n >= 1, `the area holds rental houses (${n})`)
  // Select all of them.
  await page.getByTestId('assign-houses').locator('thead .el-checkbox').click()
  await page.getByTestId('assign-worker').locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible').first().click()
  const worker = await page.getByTestId('assign-worker').innerText()
  await shot(page, 'gov-map-2-assign')
  await page.getByTestId('assign-submit').click()
  await page.getByText(/已分配 \d+ 项巡查任务/).waitFor()
  await page.context().close()

  // ---- the grid worker sees the task ----
  const username = (workers.find((w) => worker.includes(w.name)) ?? workers[0]).username
  const wp = await signIn(username)
  await wp.goto(`${server.base}/governance/inspection-tasks`)
  await wp.getByTestId(`task-open-${house.id}`).waitFor()
  await shot(wp, 'gov-map-3-worker-tasks')
  await wp.context().close()
})
