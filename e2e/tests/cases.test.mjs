// The case workflow in a real browser: a grid worker reports a case with a photo and a point placed
// on the map inside their grid; the community center accepts and dispatches it from its to-do list;
// the routed department's handler starts it and gives feedback with an after-photo; the center
// verifies and closes it; the timeline shows every step with names and times.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { deflateSync } from 'node:zlib'
import { startServer, launch, shot, signIn as harnessSignIn, inRing } from '../lib/harness.mjs'

const GRID_CODE = '44030700300201'

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

// ---------- a tiny valid PNG, made from bytes ----------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
/** A 16×16 RGB PNG of one colour. */
function png([r, g, b]) {
  const size = 16
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [r, g, b]).flat())])
  const raw = Buffer.concat(Array.from({ length: size }, () => row))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// ---------- geometry: a point well inside the grid ----------

function rings(geometry) {
  return geometry.type === 'MultiPolygon' ? geometry.coordinates.map((p) => p[0]) : [geometry.coordinates[0]]
}
const inGeometry = (p, geometry) => rings(geometry).some((r) => inRing(p, r))
function edgeDistance([x, y], ring) {
  let best = Infinity
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x1, y1] = ring[j]
    const [x2, y2] = ring[i]
    const dx = x2 - x1
    const dy = y2 - y1
    const t = dx || dy ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy))) : 0
    best = Math.min(best, Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)))
  }
  return best
}
/** The lattice point inside the polygon farthest from its edges. */
function interiorPoint(geometry) {
  const all = rings(geometry).flat()
  const xs = all.map((p) => p[0])
  const ys = all.map((p) => p[1])
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]
  let best = null
  for (let i = 1; i < 40; i++) {
    for (let j = 1; j < 40; j++) {
      const p = [x0 + ((x1 - x0) * i) / 40, y0 + ((y1 - y0) * j) / 40]
      if (!inGeometry(p, geometry)) continue
      const d = Math.min(...rings(geometry).map((r) => edgeDistance(p, r)))
      if (!best || d > best.d) best = { p, d }
    }
  }
  assert.ok(best, 'the grid has an inside')
  return best.p
}

// ---------- page helpers ----------

const signIn = (username) => harnessSignIn(browser, server.base, username)

async function readLonLat(page) {
  const lon = Number(await page.getByTestId('case-lon').locator('input').inputValue())
  const lat = Number(await page.getByTestId('case-lat').locator('input').inputValue())
  return [lon, lat]
}

/** Clicks the map at (x, y) of its box and waits until the coordinates change. */
async function clickMap(page, box, x, y) {
  const before = await readLonLat(page)
  await page.mouse.click(box.x + x, box.y + y)
  for (let i = 0; i < 50; i++) {
    const now = await readLonLat(page)
    if (now[0] && (now[0] !== before[0] || now[1] !== before[1])) return now
    await page.waitForTimeout(100)
  }
  throw new Error('the map click did not place a point')
}

/** Groups start open; the group's title is clicked only when the item is hidden. */
async function openMenu(page, item) {
  const target = page.getByTestId(`menu-${item}`)
  if (!(await target.isVisible())) await page.getByTestId('menu-cases').locator('.el-sub-menu__title').click()
  await target.click()
}

async function openFromInbox(page, caseId) {
  await openMenu(page, 'cases-inbox')
  const table = page.getByTestId('cases-inbox-table')
  await table.getByTestId(`case-open-${caseId}`).waitFor()
  return table
}

async function expectState(page, name) {
  await page.getByTestId('case-state').getByText(name, { exact: true }).waitFor()
}

test('report, accept, dispatch, handle, feedback, verify, close', async () => {
  // ---- the grid worker reports ----
  const worker = await signIn('grid_00300201')
  await openMenu(worker, 'cases-report')

  const units = await (await worker.request.get(`${server.base}/api/v1/org-units?level=grid`)).json()
  const grid = units.items.find((u) => u.code === GRID_CODE)
  assert.ok(grid?.geometry, 'the grid worker sees their grid with its polygon')
  const target = interiorPoint(grid.geometry)

  await worker.getByTestId('case-item').locator('input').first().click()
  await worker.locator('.el-cascader-node', { hasText: '治安隐患' }).click()
  await worker.locator('.el-cascader-node', { hasText: '治安防范设施缺失损坏' }).click()
  await worker.getByTestId('case-item-hint').waitFor()
  await worker.getByTestId('case-description').locator('textarea').fill('小区东门监控摄像头损坏，夜间照明不足')
  await worker.getByTestId('case-address').locator('input').fill('良安田社区东门')
  assert.equal(await worker.getByTestId('case-source').count(), 0, 'a grid worker does not choose the source')

  // Place the point: two clicks tell how pixels map to degrees here, the third lands on the target.
  const canvas = worker.getByTestId('case-map').locator('canvas').first()
  await canvas.waitFor()
  await worker.waitForTimeout(300)
  const box = await worker.getByTestId('case-map').locator('.case-map').boundingBox()
  const [ax, ay] = [box.width * 0.3, box.height * 0.3]
  const [bx, by] = [box.width * 0.7, box.height * 0.7]
  const a = await clickMap(worker, box, ax, ay)
  const b = await clickMap(worker, box, bx, by)
  const px = ax + ((target[0] - a[0]) * (bx - ax)) / (b[0] - a[0])
  const py = ay + ((target[1] - a[1]) * (by - ay)) / (b[1] - a[1])
  const placed = await clickMap(worker, box, px, py)
  assert.ok(inGeometry(placed, grid.geometry), `the placed point ${placed} lies in grid ${GRID_CODE}`)
  await shot(worker, 'cases-1-report-form')

  await worker.getByTestId('case-submit').click()
  const result = worker.getByTestId('case-report-result')
  await result.waitFor()
  await result.getByText('良安田社区第01网格').waitFor()
  await result.getByText('良安田社区', { exact: true }).waitFor()
  await result.getByText('平湖街道').waitFor()
  await result.getByText('待受理').waitFor()
  const code = (await worker.getByTestId('case-report-code').innerText()).trim()
  assert.match(code, /^SJ\d{14}$/)
  const department = (await worker.getByTestId('case-report-department').innerText()).trim()
  assert.ok(department && department !== '未匹配部门', 'the case was routed to a department')

  await worker.getByTestId('case-report-photo').setInputFiles({ name: '现场.png', mimeType: 'image/png', buffer: png([200, 60, 40]) })
  await worker.getByTestId('case-report-photos').locator('img').first().waitFor()
  await shot(worker, 'cases-2-reported-routed')

  await worker.getByTestId('case-report-open').click()
  await worker.waitForURL(/\/cases\/\d+$/)
  const caseId = Number(new URL(worker.url()).pathname.split('/').pop())
  await worker.getByTestId('case-code').getByText(code).waitFor()
  await worker.getByTestId('case-photos-report').locator('img').first().waitFor()
  const detail = await (await worker.request.get(`${server.base}/api/v1/cases/${caseId}`)).json()
  const handler = `dept_${detail.department_code.replace('-', '_')}`
  await worker.context().close()

  // ---- the community center accepts and dispatches from its to-do list ----
  const center = await signIn('community_003002')
  const inbox = await openFromInbox(center, caseId)
  const row = inbox.locator('tr', { has: center.getByTestId(`case-open-${caseId}`) })
  await row.getByText('治安防范设施缺失损坏').waitFor()
  await row.getByText('待受理').waitFor()
  await row.getByText(/^剩余/).waitFor()
  // The list shows the report photo's thumbnail.
  await row.getByTestId(`case-thumb-${caseId}`).locator('img').waitFor()
  await shot(center, 'cases-3-center-inbox')
  await inbox.getByTestId(`case-open-${caseId}`).click()
  await center.getByTestId('case-action-accept').click()
  await expectState(center, '已受理')
  await center.getByTestId('case-action-dispatch').click()
  const dispatch = center.getByTestId('case-action-dialog')
  await dispatch.getByTestId('case-action-department').getByText(department).waitFor()
  await dispatch.getByTestId('case-action-note').locator('textarea').fill('请尽快修复')
  await center.getByTestId('dialog-submit').click()
  await expectState(center, '已派遣')
  await center.getByTestId('case-department').getByText(department).waitFor()
  await shot(center, 'cases-4-dispatched')

  // ---- the department's handler starts it and gives feedback with an after-photo ----
  const dept = await signIn(handler)
  await openFromInbox(dept, caseId)
  await dept.getByTestId(`case-open-${caseId}`).click()
  await dept.getByTestId('case-action-start').click()
  await expectState(dept, '处置中')
  await dept.getByTestId('case-action-feedback').click()
  const feedback = dept.getByTestId('case-action-dialog')
  await feedback.getByTestId('case-action-note').locator('textarea').fill('已更换摄像头并加装照明')
  await feedback.getByTestId('case-action-photo').setInputFiles({ name: '处置后.png', mimeType: 'image/png', buffer: png([40, 160, 80]) })
  await feedback.getByTestId('case-action-photo-names').getByText('处置后.png').waitFor()
  await dept.getByTestId('dialog-submit').click()
  await expectState(dept, '已反馈')
  await dept.getByTestId('case-photos-feedback').locator('img').first().waitFor()
  await shot(dept, 'cases-5-feedback')
  await dept.context().close()

  // ---- the center verifies and closes ----
  await center.getByTestId('case-reload').click()
  await expectState(center, '已反馈')
  await center.getByTestId('case-action-verify').click()
  await center.getByTestId('case-action-passed-yes').click()
  await center.getByTestId('case-action-dialog').getByTestId('case-action-note').locator('textarea').fill('现场核查已修复')
  await center.getByTestId('dialog-submit').click()
  await expectState(center, '已核查')
  await center.getByTestId('case-action-close').click()
  await expectState(center, '已结案')
  assert.equal(await center.getByTestId('case-actions').locator('[data-testid^="case-action-"]').count(), 0)

  // ---- the timeline shows every step: action, states, who, where, note and time ----
  const timeline = center.getByTestId('case-timeline')
  const steps = [
    ['上报', '良安田社区网格员01', '待受理'],
    ['受理', '良安田社区综管中心', '已受理'],
    ['派遣', '良安田社区综管中心', '已派遣'],
    ['开始处置', `${department}处置员`, '处置中'],
    ['反馈', `${department}处置员`, '已反馈'],
    ['核查', '良安田社区综管中心', '已核查'],
    ['结案', '良安田社区综管中心', '已结案'],
  ]
  // Photo uploads are steps too (上传照片, the state unchanged): one before, one after.
  const texts = await timeline.locator('[data-testid^="case-step-"]').allInnerTexts()
  const photoSteps = texts.filter((x) => x.includes('上传照片'))
  assert.equal(photoSteps.length, 2, texts.join('\n'))
  const workflow = texts.filter((x) => !x.includes('上传照片'))
  assert.equal(workflow.length, steps.length, workflow.join('\n'))
  for (const [i, [action, actor, state]] of steps.entries()) {
    const text = workflow[i]
    assert.ok(text.includes(action), `step ${i} names ${action}: ${text}`)
    assert.ok(text.includes(actor), `step ${i} names ${actor}: ${text}`)
    assert.ok(text.includes(`→ ${state}`), `step ${i} goes to ${state}: ${text}`)
    assert.match(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/)
  }
  const all = await timeline.innerText()
  for (const note of ['请尽快修复', '已更换摄像头并加装照明', '现场核查已修复', department]) assert.ok(all.includes(note), note)
  await shot(center, 'cases-6-closed-timeline')

  // ---- the closed case in the list, and in the statistics ----
  await openMenu(center, 'cases-list')
  const list = center.getByTestId('cases-table')
  await list.locator('tr', { has: center.getByTestId(`case-open-${caseId}`) }).getByText('已结案').waitFor()
  await openMenu(center, 'cases-stats')
  await center.getByTestId('cases-stats-department').getByText(department).waitFor()
  await center.getByTestId('cases-stats-on-time').getByText('100%').waitFor()
  await shot(center, 'cases-7-stats')
  await center.context().close()
})
