// The organizer's flow in a real browser: create a draft (with rules), upload training data and a
// test set (the first version of a draft becomes active on import), check that participants do
// not see the draft, publish, let a participant join (accepting the rules) and download the data,
// upload a second test-set version and activate it through the confirmation page, and reset a
// participant's password through a one-time link. Screenshots go to test-artifacts/e2e/.
import { readFile, readdir, writeFile, mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { zipSync } from 'fflate'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveBrowser, haveKaggleSample, KAGGLE_SAMPLE, launchBrowser, newContext, screenshot, signUp, startPlatform, type Platform } from './harness'

const ready = haveBrowser() && haveKaggleSample()
if (!ready && process.env.CI) throw new Error('e2e prerequisites missing in CI: chromium or the Kaggle sample')
const SLUG = 'e2e-organizer-flow'
const organizer = { name: 'Orla Organizer', email: 'orla@example.org', password: 'organizer-pass-2' }
const participant = { name: 'Paz Participant', email: 'paz@example.org', password: 'participant-pass-2' }

function utcLocal(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16)
}

describe.skipIf(!ready)('Organizer flow in the browser', () => {
  let platform: Platform
  let browser: Browser
  let orgCtx: BrowserContext
  let partCtx: BrowserContext
  let org: Page
  let part: Page
  let zipPath: string
  const pageErrors: string[] = []

  function watch(page: Page, who: string): Page {
    page.on('pageerror', (err) => pageErrors.push(`${who}: ${err.message}`))
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) pageErrors.push(`${who} console: ${msg.text()}`)
    })
    return page
  }

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'arena-e2e-org-'))
    const imagesDir = path.join(KAGGLE_SAMPLE, 'images')
    const files: Record<string, Uint8Array> = {}
    for (const name of await readdir(imagesDir)) files[name] = new Uint8Array(await readFile(path.join(imagesDir, name)))
    zipPath = path.join(dir, 'images.zip')
    await writeFile(zipPath, zipSync(files, { level: 0 }))
    // The organizer's account becomes organizer when it signs up (ARENA_ADMIN_EMAIL): open sign-up makes participants.
    platform = await startPlatform({ ARENA_ADMIN_EMAIL: organizer.email })
    browser = await launchBrowser()
    orgCtx = await newContext(browser, platform.url)
    partCtx = await newContext(browser, platform.url)
    org = watch(await orgCtx.newPage(), 'organizer')
    part = watch(await partCtx.newPage(), 'participant')
  })

  afterAll(async () => {
    await browser?.close()
    await platform?.stop()
  })

  it('creates a draft with rules, uploads training data and a test set that activates on import', async () => {
    await signUp(org, organizer)
    await org.goto('/organizer')
    await org.getByLabel('Slug (URL)').fill(SLUG)
    await org.getByLabel('Title', { exact: true }).fill('Organizer flow (e2e)')
    await org.getByLabel(/^Description/).fill('## The task\n\nPredict the **embedding** of each prompt.')
    await org.getByLabel(/^Rules/).fill('1. One account per person.\n2. No hand labelling.')
    await org.getByLabel('Start (UTC)', { exact: true }).fill(utcLocal(Date.now() - 86_400_000))
    await org.getByLabel('Deadline (UTC)', { exact: true }).fill(utcLocal(Date.now() + 5 * 86_400_000))
    await org.getByLabel('Public fraction (new test sets)', { exact: true }).fill('0.5')
    await Promise.all([org.waitForURL(`**/organizer/${SLUG}**`), org.getByRole('button', { name: 'Create competition' }).click()])
    expect(await org.locator('.flash-notice').textContent()).toContain('draft')
    await org.getByRole('heading', { name: 'Draft' }).waitFor()

    await org.setInputFiles('#ds-images', zipPath)
    await org.setInputFiles('#ds-prompts', path.join(KAGGLE_SAMPLE, 'prompts.csv'))
    await org.getByRole('button', { name: 'Upload training data' }).click()
    await org.getByText('Training data version 1 published: 7 images.').waitFor({ timeout: 60_000 })

    expect(await org.getByTestId('activation-note').textContent()).toContain('first version of a draft')
    await org.setInputFiles('#ts-images', zipPath)
    await org.setInputFiles('#ts-prompts', path.join(KAGGLE_SAMPLE, 'prompts.csv'))
    await org.getByRole('button', { name: 'Upload test set' }).click()
    await org.getByText('(active)').waitFor({ timeout: 150_000 })
    await screenshot(org, 'org-01-draft-with-data-and-testset')
  })

  it('hides the draft from participants until it is published', async () => {
    await signUp(part, participant)
    const hidden = await part.goto(`/competitions/${SLUG}`)
    expect(hidden?.status()).toBe(404)
    const api = await part.evaluate(async (slug) => (await fetch(`/api/competitions/${slug}/data`)).status, SLUG)
    expect(api).toBe(404)
    await screenshot(part, 'org-02-draft-hidden')

    await org.goto(`/organizer/${SLUG}`)
    await Promise.all([org.waitForURL(/notice=/), org.getByRole('button', { name: 'Publish' }).click()])
    await org.getByRole('heading', { name: 'Published' }).waitFor()
    await screenshot(org, 'org-03-published')
  })

  it('a participant accepts the rules to join, browses and downloads the training data', async () => {
    await part.goto(`/competitions/${SLUG}`)
    await part.getByRole('heading', { name: 'Competition rules' }).waitFor()
    expect(await part.getByTestId('public-share').textContent()).toContain('4 of 7')
    await part.getByLabel(/I accept the/).first().check()
    await Promise.all([part.waitForURL(`**/competitions/${SLUG}/submit**`), part.getByRole('button', { name: 'Join competition' }).first().click()])

    await part.goto(`/competitions/${SLUG}/data`)
    await part.getByTestId('download-data').waitFor()
    expect(await part.locator('figure img[alt^="Training image"]').count()).toBe(7)
    const zip = await part.evaluate(async (slug) => {
      const res = await fetch(`/api/competitions/${slug}/data/download`)
      return { status: res.status, type: res.headers.get('content-type'), size: (await res.arrayBuffer()).byteLength }
    }, SLUG)
    expect(zip.status).toBe(200)
    expect(zip.type).toBe('application/zip')
    expect(zip.size).toBeGreaterThan(1000)
    await screenshot(part, 'org-04-data-page')
  })

  it('activates a second test-set version only after confirming its effect; participants are told', async () => {
    await org.goto(`/organizer/${SLUG}`)
    expect(await org.getByTestId('activation-note').textContent()).toContain('does not become active by itself')
    await org.locator('#ts-fraction').fill('0.3')
    await org.setInputFiles('#ts-images', zipPath)
    await org.setInputFiles('#ts-prompts', path.join(KAGGLE_SAMPLE, 'prompts.csv'))
    await org.getByRole('button', { name: 'Upload test set' }).click()
    const activate = org.getByRole('link', { name: 'Activate v2…' })
    await activate.waitFor({ timeout: 150_000 })
    await Promise.all([org.waitForURL(/confirm\?action=activate&version=2/), activate.click()])
    expect(await org.getByTestId('rescore-count').textContent()).toMatch(/^\d+ submissions?$/)
    await screenshot(org, 'org-05-confirm-activation')
    await Promise.all([org.waitForURL(/notice=/), org.getByRole('button', { name: 'Activate version 2' }).click()])
    await org.getByText('v2 (active)').waitFor()

    await part.goto(`/competitions/${SLUG}/leaderboard`)
    expect(await part.getByTestId('testset-notice').textContent()).toContain('updated to version 2')
    await screenshot(part, 'org-06-participant-notice')
  })

  it('resets a participant’s password through a one-time link', async () => {
    await org.goto('/organizer/users')
    const row = org.locator('tr', { hasText: participant.email })
    await row.getByRole('button', { name: 'Reset link' }).click()
    await org.getByTestId('reset-link').waitFor()
    const link = (await org.getByTestId('reset-link').textContent())?.trim() ?? ''
    expect(link).toMatch(/\/reset\?token=/)
    await screenshot(org, 'org-07-reset-link')

    const fresh = await newContext(browser, platform.url)
    const page = watch(await fresh.newPage(), 'reset')
    await page.goto(link)
    await page.getByLabel('New password', { exact: true }).fill('a new password 42')
    await page.getByLabel('Repeat the new password', { exact: true }).fill('a new password 42')
    await screenshot(page, 'org-08-reset-form')
    await Promise.all([page.waitForURL('**/signin**'), page.getByRole('button', { name: 'Set password' }).click()])
    await page.getByLabel('Email').fill(participant.email)
    await page.getByLabel('Password').fill('a new password 42')
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin') && !u.pathname.startsWith('/forms')), page.getByRole('button', { name: 'Sign in' }).click()])
    await page.getByRole('link', { name: /Signed in as Paz Participant/ }).waitFor()
    // The link worked once.
    await page.goto(link)
    expect(await page.locator('.flash-error').textContent()).toContain('invalid, expired or already used')
    await fresh.close()
  })

  it('had no script errors in the pages', () => {
    expect(pageErrors).toEqual([])
  })
})
