// 群防群治 in a real browser: a community officer sees the demo's team of the community, creates a
// team, adds a resident found by ID number and a staff member, puts both on a roster and writes a
// duty log; an officer of another community does not see the new team.
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

const TEAM = '良安田平安志愿者服务队'
// Element Plus puts a field's test id on the wrapper or on the input itself.
const input = (id) => `[data-testid="${id}"] input, input[data-testid="${id}"]`

const signIn = (username) => harnessSignIn(browser, server.base, username, { width: 1440, height: 900 })

const api = getJson

/** How the team shows a resident's name (zongguan_core::mask::name). */
function maskName(s) {
  const c = [...s]
  if (c.length <= 1) return '*'
  if (c.length === 2) return `${c[0]}*`
  return c[0] + '*'.repeat(c.length - 2) + c[c.length - 1]
}

async function openWatchTeams(page) {
  await page.getByTestId('menu-governance').click()
  await page.getByTestId('menu-governance-watch-teams').click()
  await page.getByTestId('watch-teams-table').waitFor()
}

async function choose(page, testid, text) {
  await page.getByTestId(testid).locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

test('a community officer keeps a watch team: members, a roster and a duty log', async () => {
  const page = await signIn('community_003002')
  // A resident of the community with the full ID number (the officer may read it), and one of the staff.
  const resident = await page.evaluate(async () => {
    const r = await (await fetch('/api/v1/residents?page_size=1')).json()
    const one = await (await fetch(`/api/v1/residents/${r.items[0].id}?unmasked=true`)).json()
    return { id: r.items[0].id, name: r.items[0].name, id_number: one.id_number }
  })
  assert.match(resident.id_number, /^\d{17}[\dX]$/, 'the number in full')
  const staff = (await api(page, '/api/v1/staff?page_size=20')).items[0]
  assert.ok(staff, 'the community has staff')
  const demo = (await api(page, '/api/v1/watch-teams')).items
  assert.ok(demo.length > 0, 'the demo has a team in the community')

  await openWatchTeams(page)
  const table = page.getByTestId('watch-teams-table')
  await table.getByText(demo[0].name).waitFor()
  await table.getByText('治安巡逻队', { exact: true }).first().waitFor()

  // ---- 新增队伍 ----
  await page.getByTestId('watch-teams-create').click()
  const dialog = page.getByTestId('watch-team-dialog')
  await dialog.getByTestId('watch-team-name').locator('input').fill(TEAM)
  await choose(page, 'watch-team-kind', '平安志愿者')
  await dialog.getByTestId('watch-team-leader').locator('input').fill('陈志强')
  await shot(page, 'watch-1-create')
  await page.getByTestId('watch-team-submit').click()

  // The new team opens in the drawer.
  const drawer = page.getByTestId('watch-drawer')
  await drawer.getByTestId('watch-drawer-name').getByText(TEAM).waitFor()

  // ---- 队员: a resident by ID number, then one of the staff ----
  const members = drawer.getByTestId('watch-member-form')
  await members.getByTestId('party-picker').locator('input').fill(resident.id_number)
  await page.locator('.el-select-dropdown__item:visible', { hasText: resident.name }).first().click()
  await members.getByTestId('watch-member-picked').getByText(resident.name).waitFor()
  await members.getByTestId('watch-member-add').click()
  const memberRows = drawer.getByTestId('watch-members').locator('tbody tr')
  await memberRows.filter({ hasText: maskName(resident.name) }).filter({ hasText: '群众（实有人口）' }).waitFor()
  // The same person twice: the server's refusal is shown.
  await members.getByTestId('party-picker').locator('input').fill(resident.id_number)
  await page.locator('.el-select-dropdown__item:visible', { hasText: resident.name }).first().click()
  await members.getByTestId('watch-member-add').click()
  await page.getByText('此人已是队伍成员').waitFor()

  await members.getByTestId('watch-member-kind').getByText('工作人员').click()
  await members.getByTestId('watch-member-staff').locator('input').fill(staff.name)
  await page.locator('.el-select-dropdown__item:visible', { hasText: staff.name }).first().click()
  await members.locator(input('watch-member-duty')).fill('队长')
  await members.getByTestId('watch-member-add').click()
  await memberRows.filter({ hasText: staff.name }).filter({ hasText: '队长' }).waitFor()
  assert.equal(await memberRows.count(), 2)
  await drawer.getByRole('tab', { name: '队员（2）' }).waitFor()
  await shot(page, 'watch-2-members')

  // ---- 排班: tonight, both members ----
  await drawer.getByRole('tab', { name: '排班' }).click()
  await page.getByTestId('watch-roster-members').locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: maskName(resident.name) }).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: staff.name }).click()
  await page.keyboard.press('Escape')
  await page.getByTestId('watch-roster-add').click()
  const rosterRows = drawer.getByTestId('watch-rosters').locator('tbody tr')
  await rosterRows.first().getByText('夜班').waitFor()
  const roster = await rosterRows.first().innerText()
  const day = await page.locator(input('watch-roster-day')).inputValue()
  assert.match(day, /^\d{4}-\d{2}-\d{2}$/)
  for (const want of [day, maskName(resident.name), staff.name]) assert.ok(roster.includes(want), `the roster shows ${want}: ${roster}`)
  await shot(page, 'watch-3-roster')

  // ---- 值守日志 ----
  await drawer.getByRole('tab', { name: '值守日志' }).click()
  await page.locator('[data-testid="watch-log-content"] textarea, textarea[data-testid="watch-log-content"]').fill('夜间巡逻良安田工业区一圈，劝离聚集人员一起，未见其他异常')
  await page.getByTestId('watch-log-add').click()
  const logRow = drawer.getByTestId('watch-logs').locator('tbody tr').first()
  await logRow.getByText('劝离聚集人员一起', { exact: false }).waitFor()
  assert.ok((await logRow.innerText()).includes('夜班'))
  await shot(page, 'watch-4-log')

  // The list counts the members.
  await page.keyboard.press('Escape')
  const row = table.locator('tbody tr').filter({ hasText: TEAM })
  await row.getByText('平安志愿者', { exact: true }).waitFor()
  await row.locator('td').nth(4).getByText('2', { exact: true }).waitFor()
  await page.context().close()

  // ---- another community does not see it ----
  const other = await signIn('community_003004')
  const theirs = (await api(other, '/api/v1/watch-teams')).items
  await openWatchTeams(other)
  const otherTable = other.getByTestId('watch-teams-table')
  await otherTable.getByText(theirs[0].name).waitFor()
  assert.equal(await otherTable.getByText(TEAM).count(), 0, 'the new team is not in another community')
  await shot(other, 'watch-5-other-community')
  await other.context().close()
})
