// A participant's flow in a real browser (issue 12): a sign-up error stays on the form with the
// input kept, and a taken e-mail answers like any sign-up (no enumeration); sign-up, join, download the sample submission; submit a prompt-text CSV
// with the format left on "Detect" and see it scored as prompts; download the submitted file back;
// the signed-in pages on a 390 px phone without sideways scrolling of the page; the 404 page.
// The organizer's part (competition, test set) goes through the API. Screenshots in
// test-artifacts/e2e/participant-*.png.
import { readFile, readdir, writeFile, mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { zipSync } from 'fflate'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveBrowser, haveKaggleSample, KAGGLE_SAMPLE, launchBrowser, newContext, screenshot, signUp, startPlatform, type Platform } from './harness'

const ready = haveBrowser() && haveKaggleSample()
if (!ready && process.env.CI) throw new Error('e2e prerequisites missing in CI (chromium or the Kaggle sample)')
const SLUG = 'e2e-participant'
const organizer = { name: 'Olga Organizer', email: 'olga-p@example.org', password: 'organizer-pass-1' }
const participant = { name: 'Petra Participant with a rather long name', email: 'petra@example.org', password: 'participant-pass-1' }

/**
 * The organizer's setup through the API: account (organizer by ARENA_ADMIN_EMAIL), token,
 * competition, active test set, published.
 */
async function setUpCompetition(url: string): Promise<void> {
  const json = { 'content-type': 'application/json' }
  expect((await fetch(`${url}/api/auth/signup`, { method: 'POST', headers: json, body: JSON.stringify(organizer) })).status).toBe(202)
  const signin = await fetch(`${url}/api/auth/signin`, { method: 'POST', headers: json, body: JSON.stringify({ email: organizer.email, password: organizer.password }) })
  expect(signin.status).toBe(200)
  const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]
  const tok = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'e2e' }) })
  const { token } = (await tok.json()) as { token: string }
  const auth = { authorization: `Bearer ${token}` }
  const created = await fetch(`${url}/api/competitions`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      slug: SLUG,
      title: 'Participant flow (e2e)',
      subtitle: 'Predict the prompt embeddings',
      description: 'Each hidden image was generated from a prompt.',
      startAt: new Date(Date.now() - 86_400_000).toISOString(),
      deadline: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      publicFraction: 0.5,
    }),
  })
  expect(created.status, await created.clone().text()).toBeLessThan(300)
  const images: Record<string, Uint8Array> = {}
  const imagesDir = path.join(KAGGLE_SAMPLE, 'images')
  for (const name of await readdir(imagesDir)) images[name] = new Uint8Array(await readFile(path.join(imagesDir, name)))
  const form = new FormData()
  form.set('activate', '1')
  form.set('images', new Blob([zipSync(images, { level: 0 })]), 'images.zip')
  form.set('prompts', new Blob([await readFile(path.join(KAGGLE_SAMPLE, 'prompts.csv'))]), 'prompts.csv')
  const upload = await fetch(`${url}/api/competitions/${SLUG}/testsets`, { method: 'POST', headers: auth, body: form })
  expect(upload.status, await upload.clone().text()).toBe(202)
  const deadline = Date.now() + 150_000
  for (;;) {
    const list = (await (await fetch(`${url}/api/competitions/${SLUG}/testsets`, { headers: auth })).json()) as { testSets: { active: boolean; status: string }[] }
    if (list.testSets.some((v) => v.active && v.status === 'ready')) break
    if (Date.now() > deadline) throw new Error(`the test set did not become active: ${JSON.stringify(list)}`)
    await new Promise((r) => setTimeout(r, 500))
  }
  // A new competition is a draft: published, participants see it.
  const published = await fetch(`${url}/api/competitions/${SLUG}/publish`, { method: 'POST', headers: auth })
  expect(published.status, await published.clone().text()).toBe(200)
}

describe.skipIf(!ready)('a participant in the browser', () => {
  let platform: Platform
  let browser: Browser
  let ctx: BrowserContext
  let page: Page
  let dir: string
  const pageErrors: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'arena-e2e-part-'))
    platform = await startPlatform({ ARENA_ADMIN_EMAIL: organizer.email })
    await setUpCompetition(platform.url)
    browser = await launchBrowser()
    ctx = await newContext(browser, platform.url)
    page = await ctx.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) pageErrors.push(`console: ${msg.text()}`)
    })
  })

  afterAll(async () => {
    await browser?.close()
    await platform?.stop()
  })

  it('sign-up errors stay on the form with the input kept; a taken e-mail answers like any sign-up', async () => {
    await page.goto(`/signup?returnTo=${encodeURIComponent(`/competitions/${SLUG}`)}`)
    // A name with a right-to-left override (leaderboard spoofing) passes the browser's checks and is
    // refused by the server: the error shows beside the name, the input is kept except the password.
    await page.getByLabel('Name').fill('Petra \u202Eevil')
    await page.getByLabel('Email').fill(participant.email)
    await page.getByLabel('Password').fill(participant.password)
    await Promise.all([page.waitForURL(/\/signup\?.*error=/), page.getByRole('button', { name: 'Sign up' }).click()])
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#name-error').textContent()).toMatch(/bidirectional/)
    expect(await page.getByLabel('Email').inputValue()).toBe(participant.email)
    expect(await page.getByLabel('Password').inputValue()).toBe('')
    await screenshot(page, 'participant-01-signup-error')
    // A taken e-mail: the same answer as a new one (no account enumeration), on the sign-in page
    // with the e-mail filled in; no session.
    await page.getByLabel('Name').fill(participant.name)
    await page.getByLabel('Email').fill(organizer.email)
    await page.getByLabel('Password').fill(participant.password)
    await Promise.all([page.waitForURL((u) => u.pathname === '/signin'), page.getByRole('button', { name: 'Sign up' }).click()])
    expect(await page.getByLabel('Email').inputValue()).toBe(organizer.email)
    expect(await page.locator('.flash-notice').textContent()).toMatch(/If this e-mail had no account yet/)
    await screenshot(page, 'participant-01-signup-taken-email')
    await page.getByRole('link', { name: 'Sign in', exact: true }).first().waitFor()
  })

  it('signs up, joins and downloads the sample submission', async () => {
    await signUp(page, participant)
    await page.goto(`/competitions/${SLUG}`)
    await Promise.all([page.waitForURL(`**/competitions/${SLUG}/submit**`), page.getByRole('button', { name: 'Join competition' }).first().click()])
    await page.goto(`/competitions/${SLUG}/data`)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download sample_submission\.csv/ }).click()])
    const saved = path.join(dir, 'sample_submission.csv')
    await download.saveAs(saved)
    expect((await readFile(saved, 'utf8')).split('\n')[0]).toBe('imgId_eId,val')
    await screenshot(page, 'participant-02-data')
  })

  it('submits a prompt-text CSV with the format on "Detect" and sees it scored as prompts', async () => {
    await page.goto(`/competitions/${SLUG}/submit`)
    expect(await page.locator('#file').getAttribute('accept')).toContain('.csv.gz')
    expect(await page.getByLabel('Format', { exact: true }).inputValue()).toBe('detect')
    await page.getByLabel('Description').fill('the prompts themselves')
    const prompts = path.join(dir, 'my-prompts.csv')
    await writeFile(prompts, await readFile(path.join(KAGGLE_SAMPLE, 'prompts.csv')))
    await page.setInputFiles('#file', prompts)
    await page.getByRole('button', { name: 'Submit' }).click()
    const scored = page.locator('[data-testid=scored]')
    await scored.waitFor({ timeout: 150_000 })
    // The platform embeds the very prompts the truth was made of: a perfect public score.
    expect(Number((await scored.locator('.score-big').textContent())?.trim())).toBeGreaterThan(0.999)
    await screenshot(page, 'participant-03-scored')

    await page.goto(`/competitions/${SLUG}/submissions`)
    const row = page.locator('tr', { hasText: 'the prompts themselves' })
    expect(await row.textContent()).toContain('(prompts,')
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /Download my-prompts\.csv/ }).click()])
    const back = path.join(dir, 'back.csv')
    await download.saveAs(back)
    expect(await readFile(back, 'utf8')).toBe(await readFile(prompts, 'utf8'))
    await screenshot(page, 'participant-04-my-submissions')
  })

  it('fits a 390 px phone: no sideways scrolling of the signed-in pages', async () => {
    const phone = await browser.newContext({ baseURL: platform.url, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, storageState: await ctx.storageState() })
    const p = await phone.newPage()
    for (const [name, route] of [
      ['leaderboard', `/competitions/${SLUG}/leaderboard`],
      ['submissions', `/competitions/${SLUG}/submissions`],
      ['team', `/competitions/${SLUG}/team`],
      ['charts', `/competitions/${SLUG}/charts`],
    ] as const) {
      await p.goto(route)
      await p.locator('header.site .avatar').waitFor()
      const width = await p.evaluate(() => document.documentElement.scrollWidth)
      await screenshot(p, `participant-05-phone-${name}`)
      expect(width, `${route} is ${width} px wide`).toBeLessThanOrEqual(390)
    }
    await phone.close()
  })

  it('answers an unknown page with a 404 page that leads back', async () => {
    const res = await page.goto('/no/such/page')
    expect(res?.status()).toBe(404)
    await page.getByRole('heading', { name: 'Page not found' }).waitFor()
    await screenshot(page, 'participant-06-not-found')
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByRole('link', { name: 'All competitions' }).click()])
    const icon = await fetch(`${platform.url}/icon.svg`)
    expect(icon.status).toBe(200)
  })

  it('had no script errors in the pages', () => {
    expect(pageErrors).toEqual([])
  })
})
