// Starts a real zongguan server on a fresh SQLite database with the demo loaded,
// and Debian's Chromium through playwright-core. Screenshots go to e2e/artifacts/.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import net from 'node:net'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
export const root = join(here, '..', '..')
export const artifacts = join(root, 'e2e', 'artifacts')
export const PASSWORD = 'Zongguan@2026'
const bin = join(root, 'target', 'debug', 'zongguan')

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'zongguan-e2e-'))
  const database = `sqlite://${dir}/zongguan.db?mode=rwc`
  const env = { ...process.env, ZONGGUAN_DATABASE_URL: database, ZONGGUAN_FIELD_KEY: '11'.repeat(32) }
  // cwd: the temp dir, so the server's relative data directory (case photos) stays out of the tree.
  // No demo cases: each flow reports its own, and the demo's would crowd the inboxes it reads.
  execFileSync(bin, ['demo', '--scale', 'small', '--no-cases', '--password', PASSWORD], { env, cwd: dir, stdio: 'pipe' })
  const port = await freePort()
  const proc = spawn(bin, ['--config', 'data/demo.toml', 'serve', '--listen', `127.0.0.1:${port}`], { env, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  proc.stderr.on('data', (d) => { log += d })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/healthz`)
      if (r.ok) {
        // Stopping also removes the server's database and files (each run's is ~160 MB).
        const stop = () => {
          proc.kill('SIGTERM')
          rmSync(dir, { recursive: true, force: true })
        }
        return { base, stop, log: () => log }
      }
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100))
  }
  proc.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  throw new Error(`server did not start:\n${log}`)
}

export async function launch() {
  mkdirSync(artifacts, { recursive: true })
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  })
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })
}

export async function login(page, base, username, password = PASSWORD) {
  await page.goto(`${base}/login`)
  await page.getByTestId('login-username').locator('input').fill(username)
  await page.getByTestId('login-password').locator('input').fill(password)
  await page.getByTestId('login-submit').click()
}

/** A fresh browser context (desktop size unless told), signed in as `username`. */
export async function signIn(browser, base, username, { width = 1400, height = 900, ...context } = {}) {
  const ctx = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', ...context })
  const page = await ctx.newPage()
  page.setDefaultTimeout(20000)
  await login(page, base, username)
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  return page
}

/** A GET of the API in the page's session, as JSON; anything but 2xx throws with the answer. */
export function getJson(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { headers: { Accept: 'application/json' } })
    if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`)
    return r.json()
  }, path)
}

/** 17 digits and their GB 11643 check character. */
export function withCheck(body) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const s = [...body].reduce((acc, d, i) => acc + Number(d) * w[i], 0)
  return body + '10X98765432'[s % 11]
}

/** Whether a point lies inside a ring (even-odd rule). */
export function inRing([x, y], ring) {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]
    const [xj, yj] = ring[j]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}
