// Scores with their uncertainty on the platform: a submission's ± (checked against a float64
// computation from the test's own truth and submission), statistical ties on the public board,
// the organizers' shake-up forecast, and the private board's intervals after the reveal.
import { renderToStaticMarkup } from 'react-dom/server'
import { afterEach, expect, it } from 'vitest'
import { ShakeUpFooter, ShakeUpPanel } from '../../app/components/ShakeUpPanel.tsx'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { GET as shakeup } from '../../app/api/competitions/[slug]/shakeup/route.ts'
import { POST as reveal } from '../../app/api/competitions/[slug]/reveal/route.ts'
import { GET as getSub } from '../../app/api/submissions/[id]/route.ts'
import { setClock } from '../../lib/platform/clock.ts'
import { decodePerImageVector, perImageVectorKey } from '../../lib/submissions/per-image.ts'
import { seededRandom } from '../../scoring/random.ts'
import type { Truth } from '../../scoring/truth.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, useTestApp } from '../helpers/app.ts'
import { joinComp, makeOrganizer, signUp, submit, type TestUser } from './users.ts'

/** Prediction i = truth i + noise(seed) · scale(i), as a long-format CSV and its float64 cosines. */
function noisySubmission(truth: Truth, seed: number, scale: (i: number) => number): { csv: string; cosines: number[] } {
  const rand = seededRandom(seed)
  const lines = ['imgId_eId,val']
  const cosines: number[] = []
  for (let i = 0; i < truth.ids.length; i++) {
    const s = scale(i)
    const pred = Array.from({ length: truth.dim }, (_, k) => Number((truth.vectors[i * truth.dim + k] + s * (rand() * 2 - 1) * 0.1).toPrecision(9)))
    pred.forEach((v, k) => lines.push(`${truth.ids[i]}_${k},${v}`))
    let dot = 0
    let pp = 0
    let tt = 0
    for (let k = 0; k < truth.dim; k++) {
      const t = truth.vectors[i * truth.dim + k]
      dot += pred[k] * t
      pp += pred[k] * pred[k]
      tt += t * t
    }
    cosines.push(dot / Math.sqrt(pp * tt))
  }
  return { csv: `${lines.join('\n')}\n`, cosines }
}

/** Student's t 0.975 quantile with 19 degrees of freedom (table value). */
const T_975_19 = 2.093024

function halfWidth(values: number[]): number {
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1))
  return (T_975_19 * sd) / Math.sqrt(n)
}

interface Row {
  rank: number
  teamName: string
  score: number
  halfWidth: number | null
  tiedWithPrevious: boolean
}

forEachDatabase((t) => {
  const app = useTestApp(t)
  afterEach(() => setClock(undefined))

  it('gives scores their ±, marks statistical ties, forecasts the shake-up for organizers', async () => {
    // 40 images, the first 20 public: t interval with 19 degrees of freedom.
    const c = await seedCompetition(app, { images: 40, publicCount: 20, deadline: new Date(Date.now() + 3_600_000) })
    const org = await makeOrganizer(app)
    const [a, b, cc] = await Promise.all(['alpha', 'bravo', 'charlie'].map((n) => signUp(app, n)))
    for (const u of [a, b, cc]) await joinComp(app, u, c.slug)
    const sub = async (u: TestUser, csv: string) => {
      const res = await submit(app, u, c.slug, csv)
      expect(res.status).toBe(201)
      const s = await settled(app, res.body.submission!.id)
      expect(s.status).toBe('scored')
      return s
    }
    // alpha: noise that varies per image; bravo: the same except image 0 (public) noisier and
    // images 21 and 33 (private) less noisy: near-identical, a little worse on the public images;
    // charlie: much less noise (clearly better).
    const alpha = noisySubmission(c.truth, 3, (i) => 1 + (i % 5))
    const bravo = noisySubmission(c.truth, 3, (i) => (i === 0 ? 1.4 : i === 21 || i === 33 ? 1 + (i % 5) - 0.5 : 1 + (i % 5)))
    const charlie = noisySubmission(c.truth, 5, () => 0.2)
    const sa = await sub(a, alpha.csv)
    await sub(b, bravo.csv)
    await sub(cc, charlie.csv)

    // The API view: publicScore ± publicHalfWidth, the t interval over the public images.
    const view = await getSub(app.request(`/api/submissions/${sa.id}`, { token: a.token }), params({ id: sa.id }))
    const { submission } = (await view.json()) as { submission: { publicScore: number; publicHalfWidth: number } }
    const publicCosines = alpha.cosines.slice(0, 20)
    expect(submission.publicScore).toBeCloseTo(publicCosines.reduce((x, y) => x + y, 0) / 20, 5)
    expect(submission.publicHalfWidth).toBeGreaterThan(0)
    expect(Math.abs(submission.publicHalfWidth / halfWidth(publicCosines) - 1)).toBeLessThan(1e-4)
    // The binary per-image vector is stored beside the CSV, in the truth's image order.
    const vector = decodePerImageVector(await app.storage.readBuffer(perImageVectorKey(sa.id, c.testSetId)))
    expect(vector).toHaveLength(40)
    expect(Array.from(vector!, (v, i) => Math.abs(v - alpha.cosines[i]) < 1e-5).every(Boolean)).toBe(true)

    // The public board: charlie clearly ahead of alpha, bravo tied with alpha.
    const board = async (type: 'public' | 'private', u: TestUser) => {
      const res = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard?type=${type}`, { token: u.token }), params({ slug: c.slug }))
      expect(res.status).toBe(200)
      const text = await res.text()
      return { text, rows: (JSON.parse(text) as { leaderboard: { rows: Row[] } }).leaderboard.rows }
    }
    const pub = await board('public', a)
    expect(pub.rows.map((r) => [r.teamName, r.tiedWithPrevious])).toEqual([
      ['charlie', false],
      ['alpha', false],
      ['bravo', true],
    ])
    expect(pub.rows[1].halfWidth).toBeCloseTo(submission.publicHalfWidth, 6)
    expect(pub.rows[0].halfWidth).toBeCloseTo(halfWidth(charlie.cosines.slice(0, 20)), 5)
    // Nothing per image reaches a participant: no image ids, no per-image arrays.
    expect(pub.text).not.toMatch(/img\d{3}/)
    for (const r of pub.rows) expect(Object.values(r).some((v) => Array.isArray(v) && v.some((x) => typeof x === 'number'))).toBe(false)
    const csvRes = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard?format=csv`, { token: a.token }), params({ slug: c.slug }))
    const csvLines = (await csvRes.text()).trim().split('\n')
    expect(csvLines[0].split(',').slice(-2)).toEqual(['HalfWidth95', 'TiedWithPrevious'])
    expect(csvLines[3].split(',').slice(-1)).toEqual(['1'])

    // The shake-up forecast: organizers only before the reveal.
    const forecast = async (u: TestUser) => shakeup(app.request(`/api/competitions/${c.slug}/shakeup`, { token: u.token }), params({ slug: c.slug }))
    expect((await forecast(a)).status).toBe(403)
    const before = await forecast(org)
    expect(before.status).toBe(200)
    const f = ((await before.json()) as { forecast: { teams: number; publicImages: number; spearman: { mean: number; p05: number; p95: number }; buckets: { forecast: number }[]; perTeam: { teamName: string; pMove: number }[]; actual: unknown } }).forecast
    expect(f.teams).toBe(3)
    expect(f.publicImages).toBe(20)
    expect(f.spearman.p05).toBeLessThanOrEqual(f.spearman.mean)
    expect(f.spearman.mean).toBeLessThanOrEqual(f.spearman.p95)
    expect(f.buckets.reduce((x, y) => x + y.forecast, 0)).toBeCloseTo(1, 9)
    // Charlie is far ahead on every split; alpha and bravo swap places on some.
    expect(f.perTeam.map((p) => p.teamName)).toEqual(['charlie', 'alpha', 'bravo'])
    expect(f.perTeam[0].pMove).toBe(0)
    expect(f.perTeam[1].pMove).toBeGreaterThan(0)
    expect(f.actual).toBeNull()
    // The organizer page's panel: the summary and the SVG plot of the rank changes.
    const organizer = await t.db.user.findUniqueOrThrow({ where: { id: org.id } })
    const competition = await t.db.competition.findUniqueOrThrow({ where: { id: c.id } })
    const html = renderToStaticMarkup(await ShakeUpPanel({ viewer: organizer, competition }))
    expect(html).toContain(`Spearman ρ public ↔ private <strong>${f.spearman.mean.toFixed(3)}</strong>`)
    expect(html).toMatch(/<svg class="chart"[^>]*role="img"/)
    expect(html.match(/<rect /g)).toHaveLength(f.buckets.length)
    expect(html).not.toContain('Real shake-up')
    const participant = await t.db.user.findUniqueOrThrow({ where: { id: a.id } })
    await expect(ShakeUpPanel({ viewer: participant, competition })).rejects.toMatchObject({ status: 403 })

    // After the reveal: the private board has intervals (over the private images), and the
    // forecast comes with the real shake-up, for everyone.
    setClock(() => new Date(Date.now() + 2 * 3_600_000))
    expect((await reveal(app.request(`/api/competitions/${c.slug}/reveal`, { method: 'POST', token: org.token }), params({ slug: c.slug }))).status).toBe(200)
    const priv = await board('private', b)
    expect(priv.rows[0].teamName).toBe('charlie')
    expect(priv.rows[0].halfWidth).toBeCloseTo(halfWidth(charlie.cosines.slice(20)), 5)
    expect(priv.rows.every((r) => r.halfWidth !== null && r.halfWidth > 0)).toBe(true)
    const afterRes = await forecast(b)
    expect(afterRes.status).toBe(200)
    const after = ((await afterRes.json()) as { forecast: { actual: { spearman: number; withinRangeShare: number } | null; perTeam: { actualMove: number | null }[] } }).forecast
    expect(after.actual).not.toBeNull()
    expect(after.perTeam.every((p) => p.actualMove !== null)).toBe(true)
    // The revealed private board's footer: the real shake-up beside the forecast, two bars a bucket.
    const revealed = await t.db.competition.findUniqueOrThrow({ where: { id: c.id } })
    const footer = renderToStaticMarkup(await ShakeUpFooter({ viewer: participant, competition: revealed }))
    expect(footer).toContain(`<strong>Real shake-up:</strong> ρ ${after.actual!.spearman.toFixed(3)}`)
    expect(footer.match(/<rect /g)).toHaveLength(2 * f.buckets.length)
  })
})
