// The participant commands added for issue 12 against the API served on loopback: login with the
// token from standard input, ARENA_URL/ARENA_TOKEN, whoami, logout, join, download (the sample
// submission: the training-data routes are another branch's), submit's checks before any byte is
// sent, and a leaderboard that fits 100 columns.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { arena } from '../helpers/cli.ts'
import * as me from '../../app/api/auth/me/route.ts'
import * as join from '../../app/api/competitions/[slug]/join/route.ts'
import * as team from '../../app/api/competitions/[slug]/team/route.ts'
import * as submissions from '../../app/api/competitions/[slug]/submissions/route.ts'
import * as leaderboard from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import * as sample from '../../app/api/competitions/[slug]/sample-submission/route.ts'
import * as data from '../../app/api/competitions/[slug]/data/route.ts'
import * as dataDownload from '../../app/api/competitions/[slug]/data/download/route.ts'
import * as starterKit from '../../app/api/competitions/[slug]/starter-kit/route.ts'
import { writeStarterKit } from '../../lib/baseline/kit.ts'
import type { CvReport } from '../../scoring/baseline/cv.ts'
import { unzipSync } from 'fflate'
import { forEachDatabase } from '../helpers/databases.ts'
import { seedCompetition, settled, submissionCsv, useTestApp, type SeededCompetition } from '../helpers/app.ts'
import { serveRoutes, type ApiServer } from '../helpers/http-adapter.ts'
import { joinComp, signUp, submit, type TestUser } from '../api/users.ts'
import { leaderboardTable } from '../../bin/commands/leaderboard.ts'

const stdinDescriptor = Object.getOwnPropertyDescriptor(process, 'stdin')!
/** Replaces standard input for one command (the CLI reads a piped token from it). */
function pipeIntoStdin(text: string): void {
  const stream = Object.assign(Readable.from([Buffer.from(text)]), { isTTY: false })
  Object.defineProperty(process, 'stdin', { value: stream, configurable: true })
}

forEachDatabase((t) => {
  const app = useTestApp(t)
  let server: ApiServer
  let dir: string
  let user: TestUser
  let other: TestUser
  let comp: SeededCompetition
  const uploads: string[] = []
  beforeAll(async () => {
    const countingSubmissions = {
      GET: submissions.GET,
      POST: (request: Request, ctx: { params: Promise<{ slug: string }> }) => {
        uploads.push(request.url)
        return submissions.POST(request, ctx)
      },
    }
    server = await serveRoutes({
      '/api/auth/me': me,
      '/api/competitions/[slug]/join': join,
      '/api/competitions/[slug]/team': team,
      '/api/competitions/[slug]/submissions': countingSubmissions,
      '/api/competitions/[slug]/leaderboard': leaderboard,
      '/api/competitions/[slug]/sample-submission': sample,
      '/api/competitions/[slug]/data': data,
      '/api/competitions/[slug]/data/download': dataDownload,
      '/api/competitions/[slug]/starter-kit': starterKit,
    })
    dir = mkdtempSync(path.join(tmpdir(), 'arena-cli2-'))
    process.env.ARENA_CONFIG = path.join(dir, 'config.json')
    comp = await seedCompetition(app, { dailySubmissionLimit: 1 })
    const sampleKey = `testsets/${comp.id}/v1/sample_submission.csv`
    await app.storage.put(sampleKey, Buffer.from('imgId_eId,val\nimg000_0,0.1\n'))
    await t.db.testSetVersion.update({ where: { id: comp.testSetId }, data: { sampleKey } })
    await signUp(app, 'first-user-is-organizer')
    user = await signUp(app, 'cli-joiner')
    other = await signUp(app, 'x'.repeat(70))
  })
  afterEach(() => {
    Object.defineProperty(process, 'stdin', stdinDescriptor)
    delete process.env.ARENA_URL
    delete process.env.ARENA_TOKEN
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
    delete process.env.ARENA_CONFIG
  })

  describe('credentials', () => {
    it('reads the token from standard input with --token -, and whoami shows the account', async () => {
      pipeIntoStdin(`${user.token}\n`)
      const r = await arena('login', '--url', `${server.url}/`, '--token', '-')
      expect(r.code, r.err).toBe(0)
      expect(r.err).not.toContain('shell history')
      expect(JSON.parse(readFileSync(process.env.ARENA_CONFIG!, 'utf8'))).toEqual({ url: server.url, token: user.token })
      const who = await arena('whoami')
      expect(who.code).toBe(0)
      expect(who.out).toBe(`cli-joiner <${user.email}> (participant) on ${server.url}\n`)
      expect(who.err).toContain(process.env.ARENA_CONFIG)
    })

    it('reads a piped token when --token is left out; an empty pipe is an error', async () => {
      pipeIntoStdin(user.token)
      expect((await arena('login', '--url', server.url)).code).toBe(0)
      pipeIntoStdin('')
      const empty = await arena('login', '--url', server.url, '--token', '-')
      expect(empty.code).toBe(2)
      expect(empty.err).toContain('no token on standard input')
    })

    it('warns when the token is typed on the command line', async () => {
      const r = await arena('login', '--url', server.url, '--token', user.token)
      expect(r.code).toBe(0)
      expect(r.err).toContain('shell history')
    })

    it('takes ARENA_URL and ARENA_TOKEN over the saved login', async () => {
      process.env.ARENA_URL = server.url
      process.env.ARENA_TOKEN = other.token
      const who = await arena('whoami')
      expect(who.code).toBe(0)
      expect(who.out).toContain(other.email)
      expect(who.err).toContain('ARENA_URL and ARENA_TOKEN')
    })

    it('logs out by deleting the saved login; then commands ask to log in', async () => {
      expect(existsSync(process.env.ARENA_CONFIG!)).toBe(true)
      const r = await arena('logout')
      expect(r.code).toBe(0)
      expect(r.out).toContain('Logged out')
      expect(existsSync(process.env.ARENA_CONFIG!)).toBe(false)
      const who = await arena('whoami')
      expect(who.code).toBe(2)
      expect(who.err).toContain('not logged in: run `arena login')
      expect((await arena('logout')).out).toContain('Not logged in')
      // Log back in for the tests below.
      pipeIntoStdin(user.token)
      expect((await arena('login', '--url', server.url, '--token', '-')).code).toBe(0)
    })
  })

  describe('participating', () => {
    it('submit refuses before sending any byte when the caller has not joined, and names arena join', async () => {
      const file = path.join(dir, 'sub.csv')
      writeFileSync(file, submissionCsv(comp.truth, () => 1))
      const r = await arena('submit', '-c', comp.slug, '-f', file)
      expect(r.code).toBe(2)
      expect(r.err).toContain(`run \`arena join -c ${comp.slug}\` first`)
      expect(r.err).not.toContain('/api/')
      expect(r.err).not.toContain('Uploading')
      expect(uploads).toEqual([])
    })

    it('joins, idempotently, and prints the team and its invite code', async () => {
      const r = await arena('join', '-c', comp.slug)
      expect(r.code, r.err).toBe(0)
      expect(r.out).toContain(`Joined ${comp.slug} as team "cli-joiner" (1 member: cli-joiner)`)
      const row = await t.db.team.findFirstOrThrow({ where: { competitionId: comp.id, name: 'cli-joiner' } })
      expect(r.out).toContain(`Invite code for teammates: ${row.inviteCode}`)
      expect((await arena('join', '-c', comp.slug)).code).toBe(0)
      expect(await t.db.teamMember.count({ where: { teamId: row.id } })).toBe(1)
      const unknown = await arena('join', '-c', 'no-such-competition')
      expect(unknown.code).toBe(2)
      expect(unknown.err).toContain("No competition 'no-such-competition'")
    })

    it('joins a competition with rules only with --accept-rules, and records the acceptance', async () => {
      const ruled = await seedCompetition(app)
      await t.db.competition.update({ where: { id: ruled.id }, data: { rules: 'Be kind. No hand labelling.' } })
      const refused = await arena('join', '-c', ruled.slug)
      expect(refused.code).toBe(2)
      expect(refused.err).toMatch(/has rules/)
      expect(await t.db.teamMember.count({ where: { competitionId: ruled.id } })).toBe(0)
      const ok = await arena('join', '-c', ruled.slug, '--accept-rules')
      expect(ok.code, ok.err).toBe(0)
      const member = await t.db.teamMember.findFirstOrThrow({ where: { competitionId: ruled.id } })
      expect(member.rulesAcceptedAt).not.toBeNull()
    })

    it('submit checks the daily quota before sending any byte', async () => {
      const file = path.join(dir, 'sub.csv')
      const first = await arena('submit', '-c', comp.slug, '-f', file)
      expect(first.code, first.err).toBe(0)
      expect(uploads).toHaveLength(1)
      const second = await arena('submit', '-c', comp.slug, '-f', file)
      expect(second.code).toBe(2)
      expect(second.err).toMatch(/used all 1 submissions of today; the next one is possible after \d{4}-\d\d-\d\d 00:00 UTC/)
      expect(uploads).toHaveLength(1)
    })

    it('downloads the sample submission by name and as the fallback of the whole download', async () => {
      const into = path.join(dir, 'data')
      const one = await arena('download', '-c', comp.slug, '-p', into, '-f', 'sample_submission.csv', '-q')
      expect(one.code, one.err).toBe(0)
      expect(one.out.trim()).toBe(path.join(into, 'sample_submission.csv'))
      expect(readFileSync(path.join(into, 'sample_submission.csv'), 'utf8')).toBe('imgId_eId,val\nimg000_0,0.1\n')
      const again = await arena('download', '-c', comp.slug, '-p', into, '-f', 'sample_submission.csv')
      expect(again.out).toContain('exists; skipped')
      // This server has no data archive route: everything there is, is the sample submission.
      const all = await arena('download', '-c', comp.slug, '-p', path.join(dir, 'all'))
      expect(all.code, all.err).toBe(0)
      expect(all.err).toContain('offers no data archive')
      expect(existsSync(path.join(dir, 'all', 'sample_submission.csv'))).toBe(true)
      // A file name is a base name: never a path out of the folder.
      const escape = await arena('download', '-c', comp.slug, '-p', into, '-f', '../sample_submission.csv', '-o', '-q')
      expect(escape.code).toBe(0)
      expect(escape.out.trim()).toBe(path.join(into, 'sample_submission.csv'))
    })

    it('downloads the starter kit beside the data once the baseline has written one, and lists it', async () => {
      const report: CvReport = {
        folds: 5,
        seed: 1,
        members: [{ name: 'prior', cvScore: 0.4, params: {} }],
        ensemble: 0.4,
        flipScores: {},
        params: { flip: false, ridgeLambda: 1, knnK: 1, knnTemperature: 1, template: '{name}', interrogatorTemperature: 1, weights: { ridge: 0, knn: 0, interrogator: 0, prior: 1 } },
      }
      await writeStarterKit({ competition: { id: comp.id, slug: comp.slug }, onnx: new Uint8Array([8, 7, 6]), manifest: { inputName: 'pixels' }, report, description: 'test kit', trainImages: 2 })
      const list = await arena('download', '-c', comp.slug, '--list')
      expect(list.code, list.err).toBe(0)
      expect(list.out).toMatch(/starter-kit\.zip\s+\d+\s+the reference baseline/)
      const into = path.join(dir, 'kit')
      const all = await arena('download', '-c', comp.slug, '-p', into, '-q')
      expect(all.code, all.err).toBe(0)
      expect(existsSync(path.join(into, 'sample_submission.csv'))).toBe(true)
      const kit = unzipSync(readFileSync(path.join(into, `${comp.slug}-starter-kit.zip`)))
      expect(Object.keys(kit).sort()).toEqual(['README.md', 'cv-report.json', 'manifest.json', 'model.onnx'])
      expect(Array.from(kit['model.onnx'])).toEqual([8, 7, 6])
      const one = await arena('download', '-c', comp.slug, '-p', path.join(dir, 'kit-only'), '-f', 'starter-kit.zip', '-q')
      expect(one.code, one.err).toBe(0)
      expect(existsSync(path.join(dir, 'kit-only', 'starter-kit.zip'))).toBe(true)
    })

    it('shows the leaderboard in 100 columns with long names cut, --top and the caller marked', async () => {
      await joinComp(app, other, comp.slug)
      const s = await submit(app, other, comp.slug, submissionCsv(comp.truth, () => 0.5))
      await settled(app, s.body.submission!.id)
      const r = await arena('leaderboard', '-c', comp.slug)
      expect(r.code, r.err).toBe(0)
      const lines = r.out.trimEnd().split('\n')
      for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(100)
      expect(r.out).toContain('…')
      expect(r.out).not.toContain('x'.repeat(70))
      expect(lines.find((l) => l.includes('cli-joiner'))).toMatch(/^\s*\*1\s/)
      expect(r.out).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/)
      expect(r.out).toContain('* your team: cli-joiner, rank 1 of 2')
      const top = await arena('leaderboard', '-c', comp.slug, '--top', '1')
      expect(top.out).not.toContain('xxxx')
      expect((await arena('leaderboard', '-c', comp.slug, '--top', 'zero')).code).toBe(2)
    })
  })
})

it('puts a baseline at its score with a short label and keeps every line within 100 columns', () => {
  const rows = [
    { rank: 1, teamId: 'a', teamName: 'A'.repeat(120), score: 0.9, entries: 3, lastSubmissionAt: '2026-11-29T10:00:00.000Z' },
    { rank: 2, teamId: 'b', teamName: 'bee', score: 0.4, entries: 1, lastSubmissionAt: '2026-11-29T11:00:00.000Z', move: -1 },
  ]
  const out = leaderboardTable(rows, [{ name: 'reference baseline', score: 0.5 }], { private: true, mine: 'b' })
  const lines = out.split('\n')
  expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(['#', '1', 'base', '*2'])
  for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(100)
  expect(lines[1]).toContain('2026-11-29 10:00 UTC')
  expect(lines[3].trimEnd().endsWith('-1')).toBe(true)
})
