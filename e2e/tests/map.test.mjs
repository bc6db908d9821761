// The map workbench (图上办公) in a real browser: the district center officer opens the map, has the grid
// layer on, colours the grids by 实有人口 and reads the legend, clicks a building and sees its
// popup, finds it again with the search box, and draws a polygon around it to count what is
// inside (楼栋 > 0).
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

// ---------- Web Mercator (the map's view projection, EPSG:3857) ----------

const R = 6378137
const fromLonLat = ([lon, lat]) => [(lon * Math.PI * R) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))]
const toLonLat = ([x, y]) => [(x / R) * (180 / Math.PI), (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI)]

/** A point of a feature's geometry: the point itself, or the mean of a polygon's outer ring. */
function pointOf(geometry) {
  if (geometry.type === 'Point') return geometry.coordinates
  const ring = geometry.type === 'MultiPolygon' ? geometry.coordinates[0][0] : geometry.coordinates[0]
  const pts = ring.slice(0, -1)
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length]
}

// ---------- page helpers ----------

const signIn = (username) => harnessSignIn(browser, server.base, username)

const api = getJson

/**
 * Waits until the map has loaded and drawn every tile (OpenLayers' rendercomplete, after a render
 * asked for here, since the event fires only after a render); `move` changes the view first.
 * Gives up after 15 s: what the test then looks for tells what is missing.
 */
async function rendered(page, move = null) {
  await page.evaluate(
    (m) =>
      new Promise((resolve) => {
        const map = window.__zgMap
        setTimeout(resolve, 15000)
        map.once('rendercomplete', () => resolve())
        if (m) {
          map.getView().setCenter(m.center)
          map.getView().setZoom(m.zoom)
        }
        map.render()
      }),
    move,
  )
}

/** Moves the view and waits until the map is drawn there. */
const viewAt = (page, lonLat, zoom) => rendered(page, { center: fromLonLat(lonLat), zoom })

/** The page position of a WGS-84 point on the map. */
async function pagePoint(page, lonLat) {
  const [px, py] = await page.evaluate((c) => window.__zgMap.getPixelFromCoordinate(c), fromLonLat(lonLat))
  const box = await page.getByTestId('map-canvas').boundingBox()
  return [box.x + px, box.y + py]
}

async function openTab(page, name) {
  await page.getByRole('tab', { name, exact: true }).click()
}

test('layers, thematic map, a building popup, search and a spatial query', async () => {
  const page = await signIn('district_officer')

  // ---- 图上办公 from the menu: the map draws on a plain background (no base map) ----
  await page.getByTestId('menu-map').click()
  await page.waitForURL((u) => u.pathname === '/map')
  await page.getByTestId('map-canvas').locator('canvas').first().waitFor()
  await page.waitForFunction(() => !!window.__zgMap)
  const config = await api(page, '/api/v1/map/config')
  assert.ok(config.layers.some((l) => l.name === 'grids'), 'the grid layer is offered')

  // ---- 图层: grids (and buildings) on ----
  await openTab(page, '图层')
  const gridToggle = page.getByTestId('layer-toggle-grids')
  if (!(await gridToggle.locator('input').isChecked())) await gridToggle.click()
  assert.ok(await gridToggle.locator('input').isChecked(), 'the grid layer is on')
  assert.ok(await page.getByTestId('layer-toggle-buildings').locator('input').isChecked(), 'buildings are on at first')
  assert.ok(!(await page.getByTestId('layer-toggle-cases').locator('input').isChecked()), 'cases are off at first')
  await rendered(page)
  await shot(page, 'map-1-layers')

  // ---- 专题图: 实有人口 by grid, with its legend ----
  await openTab(page, '专题图')
  await page.getByTestId('thematic-metric').locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: /^实有人口$/ }).click()
  const legend = page.getByTestId('thematic-legend')
  await legend.waitFor()
  await legend.getByText('实有人口').waitFor()
  await legend.getByText('单位：人').waitFor()
  const classes = await legend.getByTestId('thematic-class').allInnerTexts()
  assert.ok(classes.length >= 1, `the legend has classes: ${classes}`)
  for (const c of classes) assert.match(c, /\d+(\.\d+)? – \d+(\.\d+)?/)
  await rendered(page)
  await shot(page, 'map-2-thematic-residents')

  // ---- a building near the centre of the map: click it, see its popup ----
  const [cx, cy] = toLonLat(await page.evaluate(() => window.__zgMap.getView().getCenter()))
  const near = [cx - 0.03, cy - 0.03, cx + 0.03, cy + 0.03].map((v) => v.toFixed(6)).join(',')
  let found = await api(page, `/api/v1/map/features?layer=buildings&bbox=${near}`)
  if (!found.features.length && config.extent) {
    found = await api(page, `/api/v1/map/features?layer=buildings&bbox=${config.extent.join(',')}`)
  }
  const building = found.features.find((f) => f.geometry && f.id != null) ??
    found.features.find((f) => f.geometry && f.properties?.id != null)
  assert.ok(building, 'the demo has buildings on the map')
  const buildingId = building.id ?? building.properties.id
  const detail = await api(page, `/api/v1/map/features/buildings/${buildingId}`)
  const code = detail.properties.code
  assert.ok(code, 'the popup endpoint names the building code')
  const at = pointOf(building.geometry)

  await viewAt(page, at, 18)
  const [bx, by] = await pagePoint(page, at)
  await page.mouse.click(bx, by)
  const popup = page.getByTestId('map-popup')
  await popup.waitFor()
  await popup.getByTestId('map-popup-prop-code').getByText(code, { exact: true }).waitFor()
  await popup.getByTestId('map-popup-detail').waitFor()
  await shot(page, 'map-3-building-popup')
  await popup.getByTestId('map-popup-close').click()
  await popup.waitFor({ state: 'detached' })

  // ---- the search box finds the building by its code and opens its popup ----
  await viewAt(page, [at[0] + 0.01, at[1] + 0.01], 15)
  const search = page.getByTestId('map-search').locator('input')
  await search.fill(code)
  await page.getByTestId(`map-search-result-buildings-${buildingId}`).click()
  await page.getByTestId('map-popup').getByTestId('map-popup-prop-code').getByText(code, { exact: true }).waitFor()
  await shot(page, 'map-4-search')
  await page.getByTestId('map-popup-close').click()

  // ---- 空间查询: a polygon drawn around the building, the counts of what is inside ----
  await viewAt(page, at, 17)
  await openTab(page, '空间查询')
  await page.getByTestId('query-draw-polygon').click()
  const [qx, qy] = await pagePoint(page, at)
  const corners = [
    [qx - 160, qy - 120],
    [qx + 160, qy - 120],
    [qx + 160, qy + 120],
    [qx - 160, qy + 120],
  ]
  // Clicks apart by more than the map's double-click time; a click on the first corner ends the polygon.
  for (const [x, y] of [...corners, corners[0]]) {
    await page.mouse.click(x, y)
    await page.waitForTimeout(400)
  }
  const counts = page.getByTestId('query-counts')
  await counts.waitFor()
  const buildings = Number((await page.getByTestId('query-count-buildings').innerText()).trim())
  assert.ok(buildings > 0, `the drawn area has buildings (${buildings})`)
  for (const label of ['实有人口', '流动人口', '特殊人群', '楼栋', '房屋', '出租屋', '重点场所', '在办事件']) {
    await counts.getByText(label, { exact: true }).waitFor()
  }
  await page.getByTestId('query-buildings').locator('tbody tr').first().waitFor()
  await shot(page, 'map-5-query-counts')

  await page.context().close()
})
