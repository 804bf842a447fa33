// The leaderboard cache under concurrent readers: one build for many simultaneous misses, no
// stale board cached across an invalidation, the old board served while a just-expired one is
// rebuilt, and the serialized bytes reused per board.
import { expect, it, vi } from 'vitest'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { getLeaderboard, invalidateLeaderboard } from '../../lib/leaderboards/leaderboard.ts'
import { leaderboardCsv, leaderboardJsonBytes } from '../../lib/leaderboards/export.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, uniqueSlug, useTestApp, waitFor } from '../helpers/app.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)

  async function seedBoard(teams: number) {
    const c = await seedCompetition(app)
    const tag = uniqueSlug('lb')
    for (let i = 0; i < teams; i++) {
      const user = await t.db.user.create({ data: { email: `${tag}-${i}@example.test`, name: `U${i}`, passwordHash: 'x' } })
      const team = await t.db.team.create({ data: { competitionId: c.id, name: `T${i}`, inviteCode: `${tag}-${i}`, members: { create: { userId: user.id, competitionId: c.id } } } })
      await t.db.submission.create({
        data: { competitionId: c.id, teamId: team.id, userId: user.id, kind: 'csv', fileKey: `x/${tag}/${i}`, fileName: 's.csv', fileSize: 1, status: 'scored', publicScore: i / 10, privateScore: 0.5 },
      })
    }
    return { c, competition: await t.db.competition.findUniqueOrThrow({ where: { id: c.id } }) }
  }

  it('builds the board once for many concurrent cache misses', async () => {
    const { competition } = await seedBoard(3)
    invalidateLeaderboard(competition.id)
    const boards = await Promise.all(Array.from({ length: 50 }, () => getLeaderboard(null, competition, 'public')))
    // One build: every reader got the same object.
    expect(new Set(boards).size).toBe(1)
    expect(boards[0].rows.map((r) => r.teamName)).toEqual(['T2', 'T1', 'T0'])
    // Served from the cache afterwards.
    expect(await getLeaderboard(null, competition, 'public')).toBe(boards[0])
  })

  it('does not cache a board whose build started before an invalidation', async () => {
    const { competition } = await seedBoard(2)
    invalidateLeaderboard(competition.id)
    const early = getLeaderboard(null, competition, 'public')
    const team = await t.db.team.findFirstOrThrow({ where: { competitionId: competition.id, name: 'T0' } })
    await t.db.submission.updateMany({ where: { teamId: team.id }, data: { publicScore: 0.99 } })
    invalidateLeaderboard(competition.id)
    const after = await getLeaderboard(null, competition, 'public')
    expect(after).not.toBe(await early)
    expect(after.rows[0].teamName).toBe('T0')
    expect(await getLeaderboard(null, competition, 'public')).toBe(after)
  })

  it('serves a just-expired board while one rebuild runs, then the new one', async () => {
    const { competition } = await seedBoard(2)
    invalidateLeaderboard(competition.id)
    const old = await getLeaderboard(null, competition, 'public')
    const team = await t.db.team.findFirstOrThrow({ where: { competitionId: competition.id, name: 'T0' } })
    // Scored by another process: no invalidation here, only the expiry.
    await t.db.submission.updateMany({ where: { teamId: team.id }, data: { publicScore: 0.99 } })
    const realNow = Date.now
    const clock = vi.spyOn(Date, 'now')
    try {
      clock.mockImplementation(() => realNow() + 6_000) // expired, less than a TTL ago
      const during = await Promise.all(Array.from({ length: 20 }, () => getLeaderboard(null, competition, 'public')))
      expect(new Set(during)).toEqual(new Set([old]))
      const fresh = await waitFor('the rebuilt board', async () => {
        const b = await getLeaderboard(null, competition, 'public')
        return b !== old ? b : undefined
      })
      expect(fresh.rows[0].teamName).toBe('T0')
      clock.mockImplementation(() => realNow() + 60_000) // long expired: waits for a fresh build
      const later = await getLeaderboard(null, competition, 'public')
      expect(later).not.toBe(fresh)
    } finally {
      clock.mockRestore()
    }
  })

  it('serializes a board once and serves the same JSON as before', async () => {
    const { c, competition } = await seedBoard(2)
    const board = await getLeaderboard(null, competition, 'public')
    const bytes = leaderboardJsonBytes(board)
    expect(leaderboardJsonBytes(board)).toBe(bytes)
    expect(leaderboardCsv(board)).toBe(leaderboardCsv(board))
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(JSON.parse(JSON.stringify({ leaderboard: board })))
    const res = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard`), params({ slug: c.slug }))
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.text()).toBe(new TextDecoder().decode(bytes))
  })
})
