// A score recorded by the in-process worker shows on the very next leaderboard request and page
// render. Next.js bundles the leaderboard module for its pages and its routes apart from the
// worker's own copy: with the cache in module-level state, the worker's invalidation cleared only
// its own copy and readers saw the old board for up to two cache lifetimes (~10 s). The test runs
// the real production server (`arena serve`), fills both caches, scores a submission and reads
// both again at once.
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { haveKaggleSample, KAGGLE_SAMPLE, ROOT, startPlatform, type Platform } from './harness'

const ready = haveKaggleSample()
if (!ready && process.env.CI) throw new Error('e2e prerequisites missing in CI: the Kaggle sample in ../shared')
const SLUG = 'fresh-board'

describe.skipIf(!ready)('leaderboard freshness', () => {
  let platform: Platform

  function arena(args: string[]): string {
    return execFileSync(process.execPath, ['bin/arena.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, ARENA_DATA_DIR: platform.dataDir, DATABASE_URL: '', REDIS_URL: '', ARENA_DEMO: '0' },
      encoding: 'utf8',
    })
  }

  async function api<T>(method: string, route: string, init: { token?: string; cookie?: string; json?: unknown; body?: BodyInit } = {}): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = {}
    if (init.token) headers.authorization = `Bearer ${init.token}`
    if (init.cookie) headers.cookie = init.cookie
    if (init.json !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${platform.url}${route}`, { method, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body })
    const text = await res.text()
    return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T, headers: res.headers }
  }

  beforeAll(async () => {
    platform = await startPlatform()
    arena(['competitions', 'create', '--slug', SLUG, '--title', 'Fresh board', '--start', '2026-01-01T00:00:00Z', '--deadline', '2036-01-01T00:00:00Z'])
    arena(['testset', 'import', '--competition', SLUG, '--images', path.join(KAGGLE_SAMPLE, 'images'), '--prompts', path.join(KAGGLE_SAMPLE, 'prompts.csv'), '--activate'])
    arena(['competitions', 'publish', '--slug', SLUG])
  })

  afterAll(async () => {
    await platform?.stop()
  })

  it('shows a new score on the next API request and page render', async () => {
    const email = `fresh-${Date.now()}@example.org`
    expect((await api('POST', '/api/auth/signup', { json: { email, name: 'Fresh Team', password: 'fresh-board-pass-1' } })).status).toBe(202)
    const signin = await api('POST', '/api/auth/signin', { json: { email, password: 'fresh-board-pass-1' } })
    expect(signin.status).toBe(200)
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]
    const { body: tok } = await api<{ token: string }>('POST', '/api/tokens', { cookie, json: { name: 'e2e' } })
    expect((await api('POST', `/api/competitions/${SLUG}/join`, { token: tok.token })).status).toBe(200)

    // Fill the caches the API and the page read from: the team is not on the board yet.
    const before = await api<{ leaderboard: { rows: { teamName: string }[] } }>('GET', `/api/competitions/${SLUG}/leaderboard`)
    expect(before.body.leaderboard.rows.map((r) => r.teamName)).not.toContain('Fresh Team')
    expect(String((await api<string>('GET', `/competitions/${SLUG}/leaderboard`)).body)).not.toContain('Fresh Team')

    const csv = await readFile(path.join(KAGGLE_SAMPLE, 'sample_submission.csv'))
    const up = await api<{ submission: { id: string } }>('POST', `/api/competitions/${SLUG}/submissions?filename=sample_submission.csv`, { token: tok.token, body: csv })
    expect(up.status).toBe(201)
    const deadline = Date.now() + 60_000
    let status = ''
    while (status !== 'scored') {
      if (Date.now() > deadline) throw new Error(`not scored in time (status ${status})\n${platform.log()}`)
      const s = await api<{ submission: { status: string } }>('GET', `/api/submissions/${up.body.submission.id}`, { token: tok.token })
      status = s.body.submission.status
      if (status === 'failed') throw new Error(`the submission failed: ${JSON.stringify(s.body)}`)
      if (status !== 'scored') await new Promise((r) => setTimeout(r, 100))
    }

    const after = await api<{ leaderboard: { rows: { teamName: string; score: number }[] } }>('GET', `/api/competitions/${SLUG}/leaderboard`)
    expect(after.body.leaderboard.rows.map((r) => r.teamName)).toContain('Fresh Team')
    expect(String((await api<string>('GET', `/competitions/${SLUG}/leaderboard`)).body)).toContain('Fresh Team')
  })
})
