// The platform under test and the browser that drives it.
//
// The server is `node bin/arena.js serve` on a free port with a fresh data folder (SQLite
// database, storage) so every run starts empty; the browser is Debian's Chromium, headless, with
// a fresh profile per launch (playwright creates a temporary user-data-dir).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/e2e')
export const CHROMIUM = process.env.ARENA_E2E_CHROMIUM ?? '/usr/bin/chromium'
export const KAGGLE_SAMPLE = process.env.ARENA_KAGGLE_SAMPLE ?? path.resolve(ROOT, '../shared/data/kaggle-sample')

export function haveBrowser(): boolean {
  return existsSync(CHROMIUM)
}

export function haveKaggleSample(): boolean {
  return existsSync(path.join(KAGGLE_SAMPLE, 'sample_submission.csv')) && existsSync(path.join(KAGGLE_SAMPLE, 'prompts.csv'))
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface Platform {
  url: string
  dataDir: string
  log: () => string
  stop(): Promise<void>
}

export async function startPlatform(env: Record<string, string> = {}): Promise<Platform> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'arena-e2e-'))
  const port = await freePort()
  let output = ''
  const child: ChildProcess = spawn(process.execPath, ['bin/arena.js', 'serve', '--port', String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      ARENA_DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      ARENA_DEMO: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()))
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the platform exited (${child.exitCode}):\n${output}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.status === 200 || res.status === 503) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the platform did not answer /api/health within 120 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return {
    url,
    dataDir,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

export async function newContext(browser: Browser, baseURL: string, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> {
  return browser.newContext({ baseURL, colorScheme, viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true })
  const file = path.join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

export async function signUp(page: Page, user: { name: string; email: string; password: string }): Promise<void> {
  await page.goto('/signup')
  await page.getByLabel('Name').fill(user.name)
  await page.getByLabel('Email').fill(user.email)
  await page.getByLabel('Password').fill(user.password)
  // Sign-up answers the same whether or not the e-mail was taken, and continues on the sign-in page.
  await Promise.all([page.waitForURL((u) => u.pathname === '/signin'), page.getByRole('button', { name: 'Sign up' }).click()])
  await page.getByLabel('Password').fill(user.password)
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin') && !u.pathname.startsWith('/forms')), page.getByRole('button', { name: 'Sign in' }).click()])
}
