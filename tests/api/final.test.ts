// Final selection (with Kaggle's default: best public submissions), the private leaderboard,
// its reveal and the shake-up, and the baseline row.
import { afterEach, expect, it } from 'vitest'
import { POST as select } from '../../app/api/competitions/[slug]/selection/route.ts'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { POST as reveal } from '../../app/api/competitions/[slug]/reveal/route.ts'
import { GET as getSub } from '../../app/api/submissions/[id]/route.ts'
import { setClock } from '../../lib/platform/clock.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, submissionCsv, useTestApp } from '../helpers/app.ts'
import { joinComp, makeOrganizer, signUp, submit, type TestUser } from './users.ts'

interface Row {
  rank: number
  teamName: string
  score: number
  publicRank: number | null
  move: number | null
  selectedByTeam: boolean
}

forEachDatabase((t) => {
  const app = useTestApp(t)
  afterEach(() => setClock(undefined))

  it('ranks final selections privately, defaults to the best public ones, and reveals after the deadline', async () => {
    const c = await seedCompetition(app, { images: 6, publicCount: 3, finalSelectionLimit: 2, deadline: new Date(Date.now() + 3_600_000) })
    const org = await makeOrganizer(app)
    const [a, b, cc] = await Promise.all(['alpha', 'bravo', 'charlie'].map((n) => signUp(app, n)))
    for (const u of [a, b, cc]) await joinComp(app, u, c.slug)
    // Per-image cosine is the sign of the weight (0 = zero vector): scores are counts / 3.
    const sub = async (u: TestUser, pub: number[], priv: number[]) => {
      const res = await submit(app, u, c.slug, submissionCsv(c.truth, (i) => (i < 3 ? pub[i] : priv[i - 3])))
      expect(res.status).toBe(201)
      return settled(app, res.body.submission!.id)
    }
    const a1 = await sub(a, [1, 1, 1], [-1, -1, -1]) // public 1, private -1
    const a2 = await sub(a, [1, 1, 0], [-1, -1, -1]) // public 2/3, private -1
    const a3 = await sub(a, [1, 0, 0], [1, 1, 1]) // public 1/3, private 1
    await sub(b, [1, 1, 0], [1, 1, -1]) // public 2/3, private 1/3
    const c1 = await sub(cc, [1, 0, 0], [0, 0, 0]) // public 1/3, private 0
    expect([a1.publicScore, a3.privateScore]).toEqual([expect.closeTo(1, 6), expect.closeTo(1, 6)])
    // The organizer's reference submission: shown, never ranked.
    await t.db.submission.create({
      data: { competitionId: c.id, kind: 'csv', fileKey: 'baseline.csv', fileName: 'baseline.csv', fileSize: 1, description: 'MiniLM baseline', status: 'scored', isBaseline: true, publicScore: 0.5, privateScore: 0.4 },
    })

    const board = async (type: 'public' | 'private', u?: TestUser) => {
      const res = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard?type=${type}`, { token: u?.token }), params({ slug: c.slug }))
      return { status: res.status, body: res.status === 200 ? ((await res.json()) as { leaderboard: { rows: Row[]; baselines: { name: string; score: number }[] } }).leaderboard : undefined }
    }
    const pub = await board('public', a)
    expect(pub.body!.rows.map((r) => [r.rank, r.teamName])).toEqual([[1, 'alpha'], [2, 'bravo'], [3, 'charlie']])
    expect(pub.body!.baselines).toEqual([{ submissionId: expect.any(String), name: 'MiniLM baseline', score: 0.5 }])

    // Nobody selected: each team's two best public submissions count (alpha: a1, a2 → private -1).
    expect((await board('private', a)).status).toBe(403)
    const preview = await board('private', org)
    expect(preview.status).toBe(200)
    expect(preview.body!.rows.map((r) => [r.rank, r.teamName, r.score, r.publicRank, r.move, r.selectedByTeam])).toEqual([
      [1, 'bravo', expect.closeTo(1 / 3, 6), 2, 1, false],
      [2, 'charlie', expect.closeTo(0, 6), 3, 1, false],
      [3, 'alpha', expect.closeTo(-1, 6), 1, -2, false],
    ])
    expect(preview.body!.baselines).toEqual([{ submissionId: expect.any(String), name: 'MiniLM baseline', score: 0.4 }])

    // Selection rules.
    const choose = (u: TestUser, submissionIds: string[]) => select(app.request(`/api/competitions/${c.slug}/selection`, { json: { submissionIds }, token: u.token }), params({ slug: c.slug }))
    expect((await choose(a, [a1.id, a2.id, a3.id])).status).toBe(400)
    expect((await choose(a, [c1.id])).status).toBe(404)
    const chosen = await choose(a, [a3.id])
    expect(chosen.status).toBe(200)
    expect(((await chosen.json()) as { selected: { id: string; privateScore: number | null }[] }).selected).toEqual([expect.objectContaining({ id: a3.id, privateScore: null })])
    expect((await choose(cc, [c1.id])).status).toBe(200)

    const after = await board('private', org)
    expect(after.body!.rows.map((r) => [r.rank, r.teamName, r.move, r.selectedByTeam])).toEqual([
      [1, 'alpha', 0, true],
      [2, 'bravo', 0, false],
      [3, 'charlie', 0, true],
    ])

    // Past the deadline: selections are frozen; the reveal is the organizer's, once.
    setClock(() => new Date(Date.now() + 2 * 3_600_000))
    expect((await choose(a, [a1.id])).status).toBe(409)
    expect((await reveal(app.request(`/api/competitions/${c.slug}/reveal`, { method: 'POST', token: a.token }), params({ slug: c.slug }))).status).toBe(403)
    expect((await getSub(app.request(`/api/submissions/${a3.id}`, { token: a.token }), params({ id: a3.id })).then((r) => r.json())) as { submission: { privateScore: number | null } }).toMatchObject({ submission: { privateScore: null } })
    const revealed = await reveal(app.request(`/api/competitions/${c.slug}/reveal`, { method: 'POST', token: org.token }), params({ slug: c.slug }))
    expect(revealed.status).toBe(200)
    const open = await board('private', b)
    expect(open.status).toBe(200)
    expect(open.body!.rows[0].teamName).toBe('alpha')
    expect((await board('private')).status).toBe(200)
    const own = (await (await getSub(app.request(`/api/submissions/${a3.id}`, { token: a.token }), params({ id: a3.id }))).json()) as { submission: { privateScore: number } }
    expect(own.submission.privateScore).toBeCloseTo(1, 6)
  })
})
