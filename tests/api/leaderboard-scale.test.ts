// The leaderboards are right at Kaggle scale: 2,000 teams with 100,000 scored submissions (ranks,
// entries, the private board's moves) and a second read is served from the cache. How fast the
// boards build and serve is measured by `npm run bench:leaderboard-page` and `bench:load`.
import { expect, it } from 'vitest'
import { getLeaderboard, invalidateLeaderboard } from '../../lib/leaderboards/leaderboard.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { seedCompetition, useTestApp } from '../helpers/app.ts'

const TEAMS = 2_000
const PER_TEAM = 50

forEachDatabase((t) => {
  const app = useTestApp(t)

  it(`builds public and private boards for ${TEAMS} teams / ${TEAMS * PER_TEAM} submissions and caches them`, async () => {
    const c = await seedCompetition(app, { images: 2 })
    const user = await t.db.user.create({ data: { email: `scale-${c.slug}@example.test`, name: 'scale', passwordHash: 'x' } })
    const teams = Array.from({ length: TEAMS }, (_, i) => ({ id: `${c.slug}-t${i}`, competitionId: c.id, name: `team ${i}`, inviteCode: `${c.slug}-code-${i}` }))
    await t.db.team.createMany({ data: teams })
    await t.db.teamMember.createMany({ data: [{ teamId: teams[0].id, userId: user.id, competitionId: c.id }] })
    const base = Date.parse('2026-11-01T00:00:00Z')
    for (let chunk = 0; chunk < TEAMS; chunk += 200) {
      const rows = []
      for (let i = chunk; i < chunk + 200; i++) {
        for (let k = 0; k < PER_TEAM; k++) {
          // Team i's best public score is i / TEAMS (reached at k = 0); the private score ranks teams in reverse.
          rows.push({
            competitionId: c.id,
            teamId: teams[i].id,
            kind: 'csv' as const,
            fileKey: 'x',
            fileName: 'x.csv',
            fileSize: 1,
            status: 'scored' as const,
            publicScore: i / TEAMS - k * 1e-6,
            privateScore: (TEAMS - i) / TEAMS - k * 1e-6,
            createdAt: new Date(base + k * 60_000 + i),
          })
        }
      }
      await t.db.submission.createMany({ data: rows })
    }
    const competition = await t.db.competition.findUniqueOrThrow({ where: { id: c.id } })
    const organizer = { ...user, role: 'organizer' as const }
    invalidateLeaderboard(c.id)
    const pub = await getLeaderboard(null, competition, 'public')
    invalidateLeaderboard(c.id)
    const priv = await getLeaderboard(organizer, competition, 'private')

    expect(pub.rows).toHaveLength(TEAMS)
    expect(pub.rows[0]).toMatchObject({ rank: 1, teamName: `team ${TEAMS - 1}`, entries: PER_TEAM })
    expect(priv.rows[0]).toMatchObject({ rank: 1, teamName: 'team 0', publicRank: TEAMS, move: TEAMS - 1 })
    // Cached: the second read gets the same board without building it again.
    const again = await getLeaderboard(null, competition, 'public')
    expect(again).toBe(await getLeaderboard(null, competition, 'public'))
  }, 180_000)
})
