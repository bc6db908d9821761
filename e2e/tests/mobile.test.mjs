// The grid worker's phone app at 390×844 with touch and GPS set inside the worker's grid: sign in at
// /m/login, the first load's JavaScript (≤ 300 kB), 今日, a report counted input by input (≤ 6) whose
// case has the compressed photo and the GPS point, the item picker on touch (a category only opens
// its items), 待办 and 我的; and the admin app at the same size: a menu button, no 220 px side menu.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { deflateSync, crc32 } from 'node:zlib'
import { randomBytes } from 'node:crypto'
import { startServer, launch, shot, getJson, inRing, PASSWORD } from '../lib/harness.mjs'

const GRID_CODE = '44030700300201'
const WORKER = 'grid_00300201'
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 }

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

// ---------- a camera-sized photo: a noisy PNG a phone would never upload as it is ----------

function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
function noisyPng(width, height) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  const rows = []
  for (let y = 0; y < height; y++) rows.push(Buffer.from([0]), randomBytes(width * 3))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// ---------- geometry ----------

function rings(geometry) {
  return geometry.type === 'MultiPolygon' ? geometry.coordinates.map((p) => p[0]) : [geometry.coordinates[0]]
}
const inGeometry = (p, geometry) => rings(geometry).some((r) => inRing(p, r))
/** The lattice point inside the polygon farthest from its vertices' bounding box edges and outside none. */
function interiorPoint(geometry) {
  const all = rings(geometry).flat()
  const xs = all.map((p) => p[0])
  const ys = all.map((p) => p[1])
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  let best = null
  for (let i = 1; i < 30; i++) {
    for (let j = 1; j < 30; j++) {
      const p = [x0 + ((x1 - x0) * i) / 30, y0 + ((y1 - y0) * j) / 30]
      if (!inGeometry(p, geometry)) continue
      // Distance to the nearest vertex, in degrees: enough to stay clear of the edges here.
      const d = Math.min(...rings(geometry).flat().map(([x, y]) => Math.hypot(x - p[0], y - p[1])))
      if (!best || d > best.d) best = { p, d }
    }
  }
  assert.ok(best, 'the grid has an inside')
  return best.p
}
function metres([lon1, lat1], [lon2, lat2]) {
  const rad = Math.PI / 180
  const h = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h))
}

// ---------- the phone ----------

async function phone() {
  const ctx = await browser.newContext({ ...PHONE, locale: 'zh-CN', permissions: ['geolocation'], geolocation: { longitude: 114.1, latitude: 22.6, accuracy: 8 } })
  const page = await ctx.newPage()
  page.setDefaultTimeout(20000)
  return { ctx, page }
}

test('the grid worker works on the phone: today, a report in ≤ 6 inputs, the picker on touch, the inbox', async () => {
  const { ctx, page } = await phone()

  // ---- sign in on the phone's own login page ----
  await page.goto(`${server.base}/m/today`)
  await page.waitForURL(/\/m\/login/)
  await page.getByTestId('m-login-username').fill(WORKER)
  await page.getByTestId('m-login-password').fill(PASSWORD)
  await page.getByTestId('m-login-submit').tap()
  await page.waitForURL(/\/m\/today$/)

  // ---- GPS inside the worker's grid ----
  const units = await getJson(page, '/api/v1/org-units?level=grid&page_size=500')
  const grid = units.items.find((u) => u.code === GRID_CODE)
  assert.ok(grid?.geometry, 'the grid worker sees their grid with its polygon')
  const here = interiorPoint(grid.geometry)
  await ctx.setGeolocation({ longitude: here[0], latitude: here[1], accuracy: 8 })

  // ---- the first load: the JavaScript of /m/today, from a cold page ----
  const cold = await ctx.newPage()
  let jsBytes = 0
  const jsFiles = []
  cold.on('response', async (r) => {
    if (!r.url().endsWith('.js')) return
    const n = (await r.body()).length
    jsBytes += n
    jsFiles.push(`${new URL(r.url()).pathname} ${n}`)
  })
  await cold.goto(`${server.base}/m/today`, { waitUntil: 'networkidle' })
  await cold.getByTestId('m-today').waitFor()
  console.log(`first load of /m/today: ${jsBytes} bytes of JavaScript\n  ${jsFiles.join('\n  ')}`)
  assert.ok(jsBytes > 0 && jsBytes <= 300 * 1024, `first load ${jsBytes} B of JS ≤ 300 kB`)
  assert.ok(!jsFiles.some((f) => /\/(index|ol|map)-/.test(f)), `no admin or map chunk on the first load: ${jsFiles}`)
  await cold.close()

  // ---- 今日 ----
  await page.reload()
  const today = page.getByTestId('m-today')
  await today.waitFor()
  for (const s of ['出租屋巡查', '重点人群走访', '待核查事件', '未读消息']) await today.getByText(s).first().waitFor()
  const due = await getJson(page, '/api/v1/rental-houses?due_status=overdue&page_size=1')
  assert.ok(due.total > 0, 'the demo has overdue rental houses in the grid')
  await today.getByTestId('m-today-inspection').first().waitFor()
  await today.getByText('由近及远').waitFor()
  // Nearest first: the distances shown never decrease.
  const away = (await today.getByTestId('m-today-inspection').allInnerTexts()).map((txt) => {
    const m = /距离 ([\d.]+)(米|公里)/.exec(txt)
    return m ? Number(m[1]) * (m[2] === '公里' ? 1000 : 1) : Infinity
  })
  assert.ok(away.length <= 10 && away[0] < Infinity, `distances shown: ${away}`)
  assert.deepEqual([...away].sort((a, b) => a - b), away, 'nearest first')
  await shot(page, 'mobile-1-today')

  // One tap from 今日 opens the house's inspection form in 巡查; all clear is one more tap.
  await today.getByTestId('m-today-inspection').first().tap()
  await page.waitForURL(/\/m\/patrol/)
  await page.getByTestId('inspection-form').waitFor()
  await page.getByTestId('inspection-submit').tap()
  await page.getByTestId('m-toast').getByText('巡查记录已提交').waitFor()
  await page.getByTestId('m-tab-today').tap()
  await page.getByTestId('m-today').waitFor()

  // The tab bar fits the narrowest phones: every tab at least 44 px each way.
  for (const tab of ['today', 'report', 'patrol', 'inbox', 'me']) {
    const box = await page.getByTestId(`m-tab-${tab}`).boundingBox()
    assert.ok(box.width >= 44 && box.height >= 44, `tab ${tab}: ${box.width}×${box.height}`)
  }

  // ---- 上报, every input counted ----
  await page.getByTestId('m-tab-report').tap()
  const report = page.getByTestId('m-report')
  await report.waitFor()
  let inputs = 0

  const photo = noisyPng(2000, 1500)
  assert.ok(photo.length > 5 * 1024 * 1024, 'the photo as taken is several MB')
  await page.getByTestId('m-report-photo').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: photo })
  inputs++
  await page.getByTestId('m-report-thumb').first().waitFor()
  await page.getByTestId('m-report-accuracy').getByText('定位精度 约8米').waitFor()
  await page.getByTestId('m-report-map').locator('canvas').first().waitFor()

  // The picker on touch: a category only opens its items; nothing is chosen until an item is tapped.
  const cats = await getJson(page, '/api/v1/case-categories')
  const cat = cats.items.find((c) => c.name === '治安隐患')
  const item = cat.items.find((i) => i.name === '治安防范设施缺失损坏')
  await page.getByTestId(`m-category-${cat.code}`).tap()
  inputs++
  const picker = page.getByTestId('m-item-picker')
  await picker.getByTestId(`m-picker-item-${item.code}`).waitFor()
  assert.equal(await page.getByTestId('m-report-item').count(), 0, 'tapping a category chose no item')
  // Back in the picker shows the categories; a tap there again only opens the items.
  await picker.getByTestId('m-picker-back').tap()
  await picker.getByTestId(`m-picker-category-${cat.code}`).tap()
  await picker.getByTestId(`m-picker-item-${item.code}`).waitFor()
  assert.equal(await page.getByTestId('m-report-item').count(), 0, 'still no item chosen')
  await shot(page, 'mobile-2-picker')
  await picker.getByTestId(`m-picker-item-${item.code}`).tap()
  inputs++
  await picker.waitFor({ state: 'detached' })
  await page.getByTestId('m-report-item').getByText(item.name).waitFor()
  // (The back and second category taps above were the test's own detour, not part of the report;
  // the page counts them too.)
  const detour = 2

  await page.getByTestId('m-report-text').fill('小区东门监控摄像头损坏')
  inputs++
  await shot(page, 'mobile-3-report')
  await page.getByTestId('m-report-submit').tap()
  inputs++

  const receipt = page.getByTestId('m-report-receipt')
  await receipt.waitFor()
  const code = (await page.getByTestId('m-receipt-code').innerText()).trim()
  assert.match(code, /^SJ\d{14}$/)
  const department = (await page.getByTestId('m-receipt-department').innerText()).trim()
  assert.ok(department && department !== '待中心受理后派遣', `routed to a department: ${department}`)
  await receipt.getByText('已上传照片 1 张').waitFor()
  await shot(page, 'mobile-4-receipt')
  console.log(`report: ${inputs} inputs (photo, category, item, text, submit)`)
  assert.ok(inputs <= 6, `the report took ${inputs} inputs`)
  const counted = Number(await report.getAttribute('data-inputs'))
  assert.equal(counted - detour, inputs, 'the page counted the same inputs (less the test detour)')

  // The next report offers the item just used in the ★ row (with no text yet the suggestion
  // ranks the worker's own recent items first; without the route the page falls back to them),
  // one tap instead of two.
  await page.getByTestId('m-report-again').tap()
  await page.getByTestId('m-report-stars').getByText(/推荐|最近使用/).waitFor()
  await page.getByTestId(`m-star-${item.code}`).waitFor()
  assert.equal(await report.getAttribute('data-inputs'), '0')
  // Dragging the pin (at the map's centre, on the GPS fix) corrects the place: one input.
  const map = await page.getByTestId('m-report-map').boundingBox()
  await page.getByTestId('m-report-accuracy').getByText('定位精度 约8米').waitFor()
  await page.waitForTimeout(300)
  const [cx, cy] = [map.x + map.width / 2, map.y + map.height / 2]
  await page.mouse.move(cx, cy)
  await page.mouse.down()
  await page.mouse.move(cx + 40, cy + 20, { steps: 6 })
  await page.mouse.up()
  await page.getByTestId('m-report-accuracy').getByText('拖动图钉可修正位置').waitFor()
  assert.equal(await report.getAttribute('data-inputs'), '1', 'the drag counted once')

  // ---- the case on the server: the photo compressed, the GPS point ----
  const list = await getJson(page, '/api/v1/cases?page_size=50')
  const c = list.items.find((x) => x.code === code)
  assert.ok(c, 'the case is listed')
  const detail = await getJson(page, `/api/v1/cases/${c.id}`)
  assert.equal(detail.item_code, item.code)
  assert.equal(detail.photos.length, 1, 'the photo is attached')
  assert.equal(detail.photos[0].content_type, 'image/jpeg')
  assert.ok(detail.photos[0].size <= 500 * 1024, `photo ${detail.photos[0].size} B ≤ 500 kB`)
  const d = metres(here, [detail.location.lon, detail.location.lat])
  assert.ok(d <= 30, `the case lies ${d.toFixed(1)} m from the GPS position`)

  // ---- 待办 and the case view, 我的 ----
  await page.getByTestId('m-tab-inbox').tap()
  await page.getByTestId('m-inbox').waitFor()
  const inbox = await getJson(page, '/api/v1/cases/inbox?page_size=100')
  if (inbox.items.length) await page.getByTestId(`m-inbox-${inbox.items[0].code}`).waitFor()
  else await page.getByTestId('m-inbox').getByText('暂无待办事件', { exact: true }).waitFor()
  // The case went to the community center, not back to the worker.
  assert.equal(await page.getByTestId(`m-inbox-${code}`).count(), inbox.items.some((x) => x.code === code) ? 1 : 0)
  await page.goto(`${server.base}/m/cases/${c.id}`)
  await page.getByTestId('m-case-code').getByText(code).waitFor()
  await page.getByTestId('m-tab-me').tap()
  const me = await getJson(page, '/api/v1/auth/me')
  await page.getByTestId('m-me-name').getByText(me.user.display_name, { exact: true }).waitFor()
  await page.getByTestId('m-me-unit').getByText(me.user.org_unit_name).waitFor()
  await shot(page, 'mobile-5-me')

  // ---- the admin app on the same phone: a menu button, the menu in a drawer ----
  await page.goto(`${server.base}/cases/inbox`)
  await page.getByTestId('menu-button').waitFor()
  assert.equal(await page.locator('.layout-aside').filter({ visible: true }).count(), 0, 'no side menu beside the page')
  const main = await page.locator('.layout-main').boundingBox()
  assert.ok(main.width >= 370, `the page gets the width: ${main.width}`)
  await page.getByTestId('menu-button').tap()
  const drawer = page.getByTestId('side-menu')
  await drawer.waitFor()
  await page.waitForTimeout(400) // the drawer's slide-in
  const menuBox = await drawer.boundingBox()
  assert.ok(menuBox.x >= 0 && menuBox.width >= 200, `the drawer's menu is open: ${JSON.stringify(menuBox)}`)
  await shot(page, 'mobile-6-admin-drawer')
  await page.getByTestId('menu-cases-report').tap()
  await page.waitForURL(/\/cases\/report$/)
  await drawer.waitFor({ state: 'hidden' })
  await ctx.close()
})
