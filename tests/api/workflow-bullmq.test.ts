// The participant path end to end through the route handlers, with the jobs going through BullMQ
// on a real Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379) instead of the embedded queue.
// workflow.test.ts covers the same path (and more) on the embedded queue.
import { Redis } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { GET as getSub } from '../../app/api/submissions/[id]/route.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, submissionCsv, useTestApp } from '../helpers/app.ts'
import { REDIS_URL } from '../queue/helpers.ts'
import { joinComp, signUp, submit } from './users.ts'

const prefixes: string[] = []

forEachDatabase((t) => {
  const app = useTestApp(t, { queue: 'redis' })

  it('runs on BullMQ: sign up, token, join, upload, scored exactly once, leaderboard', async () => {
    expect(app.queue.mode).toBe('redis')
    prefixes.push(app.redisPrefix!)
    const c = await seedCompetition(app, { images: 6, publicCount: 3 })
    const alice = await signUp(app, 'alice')
    const bob = await signUp(app, 'bob')
    const teamA = await joinComp(app, alice, c.slug)
    const teamB = await joinComp(app, bob, c.slug)

    const perfect = await submit(app, alice, c.slug, submissionCsv(c.truth, () => 1), 'perfect')
    expect(perfect.status).toBe(201)
    expect(perfect.body.submission).toMatchObject({ status: 'queued', publicScore: null })
    const half = await submit(app, bob, c.slug, submissionCsv(c.truth, (_i, pub) => (pub ? 0.5 : -1)))
    expect(half.status).toBe(201)

    const a = await settled(app, perfect.body.submission!.id)
    const b = await settled(app, half.body.submission!.id)
    expect(a.status).toBe('scored')
    expect(a.publicScore).toBeCloseTo(1, 6)
    expect(b.status).toBe('scored')
    expect(b.publicScore).toBeCloseTo(1, 6) // 0.5·truth still has cosine 1
    expect(b.privateScore).toBeCloseTo(-1, 6)
    for (const s of [a, b]) {
      expect(await t.db.submissionScore.count({ where: { submissionId: s.id } })).toBe(1)
      const jobs = await t.db.job.findMany({ where: { submissionId: s.id } })
      expect(jobs.map((j) => [j.type, j.status, j.attempts])).toEqual([['score-submission', 'done', 1]])
    }

    const view = (await (await getSub(app.request(`/api/submissions/${a.id}`, { token: alice.token }), params({ id: a.id }))).json()) as { submission: Record<string, unknown> }
    expect(view.submission).toMatchObject({ status: 'scored', privateScore: null })

    const res = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard`), params({ slug: c.slug }))
    expect(res.status).toBe(200)
    const lb = (await res.json()) as { leaderboard: { rows: { rank: number; teamId: string; score: number; entries: number }[] } }
    // Equal public scores: the earlier submission ranks first.
    expect(lb.leaderboard.rows.map((r) => [r.rank, r.teamId, r.entries])).toEqual([
      [1, teamA.id, 1],
      [2, teamB.id, 1],
    ])
    expect(lb.leaderboard.rows[0].score).toBeCloseTo(1, 6)
  })

  it('reports an invalid upload with its line on BullMQ, and it does not count', async () => {
    const c = await seedCompetition(app, { dailySubmissionLimit: 1 })
    const u = await signUp(app)
    await joinComp(app, u, c.slug)
    const csv = submissionCsv(c.truth, () => 1).replace(/\nimg000_5,[^\n]*/, '\nimg000_5,abc')
    const bad = await submit(app, u, c.slug, csv)
    expect(bad.status).toBe(201)
    const failed = await settled(app, bad.body.submission!.id)
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/^Line 7: /)
    expect(failed.errorLine).toBe(7)
    // A validation error is permanent: one attempt, no BullMQ retries.
    const jobs = await t.db.job.findMany({ where: { submissionId: failed.id } })
    expect(jobs.map((j) => [j.status, j.attempts])).toEqual([['failed', 1]])
    const good = await submit(app, u, c.slug, submissionCsv(c.truth, () => 1))
    expect(good.status).toBe(201)
    expect((await settled(app, good.body.submission!.id)).status).toBe('scored')
  })
})

// useTestApp removes its keys in its own afterAll; this checks nothing was left behind.
afterAll(async () => {
  const redis = new Redis(REDIS_URL)
  try {
    for (const prefix of prefixes) {
      const keys: string[] = []
      for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) keys.push(...(batch as string[]))
      expect(keys).toEqual([])
    }
  } finally {
    redis.disconnect()
  }
})
