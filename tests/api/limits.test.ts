// The daily submission limit: its reset at 00:00 UTC (with an injected clock) and its race safety.
import { afterEach, expect, it } from 'vitest'
import { setClock } from '../../lib/platform/clock.ts'
import { configureUploadLimits } from '../../lib/web/upload-limits.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { seedCompetition, settled, submissionCsv, useTestApp } from '../helpers/app.ts'
import { joinComp, signUp, submit } from './users.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)
  afterEach(() => setClock(undefined))

  it('refuses the submission past the limit until 00:00 UTC', async () => {
    let clock = new Date('2026-11-24T23:58:00Z')
    setClock(() => clock)
    const c = await seedCompetition(app, { dailySubmissionLimit: 2, startAt: new Date('2026-11-01T00:00:00Z'), deadline: new Date('2026-12-31T00:00:00Z') })
    const u = await signUp(app)
    await joinComp(app, u, c.slug)
    const csv = submissionCsv(c.truth, () => 1)
    expect((await submit(app, u, c.slug, csv)).status).toBe(201)
    const second = await submit(app, u, c.slug, csv)
    expect(second.status).toBe(201)
    expect(second.body.quota).toMatchObject({ remaining: 0, resetAt: '2026-11-25T00:00:00.000Z' })
    const third = await submit(app, u, c.slug, csv)
    expect(third.status).toBe(429)
    expect(third.body).toEqual({
      error: { code: 'daily_limit', message: 'Daily submission limit of 2 reached; next reset at 2026-11-25T00:00:00Z', remaining: 0, resetAt: '2026-11-25T00:00:00Z' },
    })
    // One second before midnight: still refused. At midnight: a fresh quota.
    clock = new Date('2026-11-24T23:59:59.999Z')
    expect((await submit(app, u, c.slug, csv)).status).toBe(429)
    clock = new Date('2026-11-25T00:00:00Z')
    const next = await submit(app, u, c.slug, csv)
    expect(next.status).toBe(201)
    expect(next.body.quota).toMatchObject({ used: 1, remaining: 1, resetAt: '2026-11-26T00:00:00.000Z' })
    await settled(app, next.body.submission!.id)
    // Only accepted uploads are stored.
    expect(await t.db.submission.count({ where: { competitionId: c.id } })).toBe(3)
  })

  it('lets exactly the limit through when uploads race', async () => {
    const c = await seedCompetition(app, { dailySubmissionLimit: 3 })
    const u = await signUp(app)
    const team = await joinComp(app, u, c.slug)
    const csv = submissionCsv(c.truth, () => 1)
    // The daily quota is under test here, not the cap on one user's concurrent uploads.
    configureUploadLimits({ perUser: 8 })
    const results = await Promise.all(Array.from({ length: 8 }, () => submit(app, u, c.slug, csv))).finally(() => configureUploadLimits(undefined))
    const statuses = results.map((r) => r.status).sort()
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429, 429, 429])
    expect(await t.db.submission.count({ where: { teamId: team.id } })).toBe(3)
    // Refused uploads leave no file behind.
    const files = await app.storage.list(`submissions/${c.id}`)
    expect(files).toHaveLength(3)
  })

  it('marks submissions after the deadline late and keeps them off the leaderboard', async () => {
    const c = await seedCompetition(app, { deadline: new Date(Date.now() + 60_000) })
    const u = await signUp(app)
    await joinComp(app, u, c.slug)
    setClock(() => new Date(Date.now() + 120_000))
    const late = await submit(app, u, c.slug, submissionCsv(c.truth, () => 1))
    expect(late.status).toBe(201)
    const row = await settled(app, late.body.submission!.id)
    expect(row).toMatchObject({ status: 'scored', late: true })
    const { getLeaderboard } = await import('../../lib/leaderboards/leaderboard.ts')
    const competition = await t.db.competition.findUniqueOrThrow({ where: { id: c.id } })
    expect((await getLeaderboard(null, competition, 'public')).rows).toEqual([])
  })
})
