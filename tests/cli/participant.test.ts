// The participant CLI against the API served on loopback: login, submit --wait (scored and
// failed), submissions, leaderboard, select, and --help everywhere.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { arena } from '../helpers/cli.ts'
import { commands } from '../../bin/commands/index.ts'
import * as me from '../../app/api/auth/me/route.ts'
import * as competitions from '../../app/api/competitions/route.ts'
import * as submissions from '../../app/api/competitions/[slug]/submissions/route.ts'
import * as leaderboard from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import * as selection from '../../app/api/competitions/[slug]/selection/route.ts'
import * as submission from '../../app/api/submissions/[id]/route.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { seedCompetition, submissionCsv, useTestApp, type SeededCompetition } from '../helpers/app.ts'
import { serveRoutes, type ApiServer } from '../helpers/http-adapter.ts'
import { joinComp, signUp, type TestUser } from '../api/users.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)
  let server: ApiServer
  let dir: string
  let user: TestUser
  let comp: SeededCompetition
  beforeAll(async () => {
    server = await serveRoutes({
      '/api/auth/me': me,
      '/api/competitions': competitions,
      '/api/competitions/[slug]/submissions': submissions,
      '/api/competitions/[slug]/leaderboard': leaderboard,
      '/api/competitions/[slug]/selection': selection,
      '/api/submissions/[id]': submission,
    })
    dir = mkdtempSync(path.join(tmpdir(), 'arena-cli-'))
    process.env.ARENA_CONFIG = path.join(dir, 'config.json')
    comp = await seedCompetition(app)
    user = await signUp(app, 'cli-user')
    await joinComp(app, user, comp.slug)
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
    delete process.env.ARENA_CONFIG
  })

  it('logs in with a valid token only, and keeps the config private', async () => {
    const bad = await arena('login', '--url', server.url, '--token', 'pa_nope')
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('Sign in or pass an API token')
    const ok = await arena('login', '--url', server.url, '--token', user.token)
    expect(ok.code).toBe(0)
    expect(ok.out).toContain('as cli-user')
    expect(JSON.parse(readFileSync(process.env.ARENA_CONFIG!, 'utf8'))).toEqual({ url: server.url, token: user.token })
    expect(statSync(process.env.ARENA_CONFIG!).mode & 0o077).toBe(0)
  })

  it('submits with --wait and prints the public score', async () => {
    const file = path.join(dir, 'good.csv')
    writeFileSync(file, submissionCsv(comp.truth, () => 1))
    const r = await arena('submit', '-c', comp.slug, '-f', file, '-m', 'first try', '--wait', '--interval', '50')
    expect(r.err).toMatch(/Uploading \[#+\] 100%/)
    expect(r.err).toContain('Status: ')
    expect(r.out, r.out).toMatch(/^\w+ scored: public 1\.00000\n$/)
    expect(r.code).toBe(0)
    const row = await t.db.submission.findFirstOrThrow({ where: { competitionId: comp.id, description: 'first try' } })
    expect(row).toMatchObject({ status: 'scored', fileName: 'good.csv' })
  })

  it('exits 2 with the scoring error when the submission fails', async () => {
    const file = path.join(dir, 'bad.csv')
    writeFileSync(file, 'imgId_eId,val\nimg000_0,1\n')
    const r = await arena('submit', '-c', comp.slug, '-f', file, '--wait', '--interval', '50')
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/Submission \w+ failed: .+/)
  })

  it('lists submissions and competitions, shows the leaderboard, selects', async () => {
    const subs = await arena('submissions', '-c', comp.slug)
    expect(subs.code).toBe(0)
    expect(subs.out).toContain('first try')
    // The public score with its 95 % half-width (every cosine is 1 here: no spread).
    expect(subs.out).toMatch(/ 1\.00000 ± 0 /)
    expect(subs.out).toMatch(/submissions left today/)
    const list = await arena('competitions', 'list')
    expect(list.out).toContain(comp.slug)
    const lb = await arena('leaderboard', '-c', comp.slug, '--csv')
    expect(lb.code).toBe(0)
    expect(lb.out.split('\n')[0]).toBe('Rank,TeamId,TeamName,Members,Score,Entries,LastSubmission,HalfWidth95,TiedWithPrevious')
    expect(lb.out).toContain('cli-user')
    const priv = await arena('leaderboard', '-c', comp.slug, '--private')
    expect(priv.code).toBe(2)
    expect(priv.err).toContain('hidden until the organizer reveals it')
    const scored = await t.db.submission.findFirstOrThrow({ where: { competitionId: comp.id, status: 'scored' } })
    const sel = await arena('select', '-c', comp.slug, scored.id)
    expect(sel.code).toBe(0)
    expect((await t.db.submission.findUniqueOrThrow({ where: { id: scored.id } })).selected).toBe(true)
    expect((await arena('submit', '-c', comp.slug)).code).toBe(2)
  })
})

it('prints --help for every command', async () => {
  for (const c of commands) {
    const r = await arena(...c.path, '--help')
    expect(r.code).toBe(0)
    expect(r.out).toContain('Usage: arena')
  }
})
