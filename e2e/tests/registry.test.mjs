// Issue 3 in a real browser: a community officer imports a spreadsheet, sees the row-by-row error
// table, and finds the imported resident by searching for part of their name.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, launch, shot, login, withCheck } from '../lib/harness.mjs'

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

/** GB 11643 check character for 17 digits. */
test('import residents, read the errors, find the imported person', async () => {
  const good = withCheck('43010219930315471')
  const bad = withCheck('43010219930315482').slice(0, 17) + (withCheck('43010219930315482').endsWith('0') ? '1' : '0')
  const csv = [
    '姓名,证件类型,证件号码,性别,出生日期,民族,人口类型,联系电话,楼栋编码,房号,入住日期,与户主关系',
    `欧阳测试,居民身份证,${good},,,汉族,流动人口,13912340000,44030700300201001,101,2025-09-01,本人`,
    `错号码,居民身份证,${bad},,,汉族,流动人口,,44030700300201001,101,,`,
    `无楼栋,居民身份证,${withCheck('43010219930315493')},,,汉族,流动人口,,NO-SUCH-BUILDING,101,,`,
  ].join('\n')
  const dir = mkdtempSync(join(tmpdir(), 'zg-e2e-import-'))
  const file = join(dir, '实有人口导入.csv')
  writeFileSync(file, csv)

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  page.setDefaultTimeout(20000)
  await login(page, server.base, 'community_003002')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.getByTestId('menu-registry').click()
  await page.getByTestId('menu-registry-import').click()
  await page.getByTestId('import-kind').getByText('实有人口').click()
  await page.getByTestId('import-mode-valid_rows').click()
  await page.getByTestId('import-file').setInputFiles(file)
  await shot(page, 'registry-1-import-chosen')
  await page.getByTestId('import-submit').click()

  const result = page.getByTestId('import-result')
  await result.waitFor()
  assert.equal((await page.getByTestId('import-accepted').innerText()).trim(), '1')
  assert.equal((await page.getByTestId('import-rejected').innerText()).trim(), '2')
  const errors = page.getByTestId('import-errors-table')
  await errors.getByText(/校验位/).waitFor()
  await errors.getByText(/NO-SUCH-BUILDING/).waitFor()
  await errors.getByText('证件号码').first().waitFor()
  await page.getByTestId('import-rejected-download').waitFor()
  await shot(page, 'registry-2-import-errors')

  // The imported person is found by part of the name, with the ID number masked.
  await page.getByTestId('menu-registry-residents').click()
  await page.getByTestId('residents-q').locator('input').fill('欧阳测')
  await page.getByTestId('residents-search').click()
  const table = page.getByTestId('residents-table')
  await table.getByText('欧阳测试').waitFor()
  await table.getByText(`${good.slice(0, 6)}********${good.slice(14)}`).waitFor()
  assert.equal(await table.getByText('错号码').count(), 0)
  await shot(page, 'registry-3-found-imported-resident')
  await page.close()
})
