// Issue 11, item 2: per-image scores must not tell a participant which images are private, nor
// give per-image values precise enough to reconstruct hidden embeddings. The attack: a participant
// reads GET /api/submissions/{id}/scores (and the submission page's read-model) of their own
// scored submission. Participants get distributions only; organizers keep the full table.
import { expect, it } from 'vitest'
import { GET as perImage } from '../../app/api/submissions/[id]/scores/route.ts'
import { submissionDetail } from '../../lib/views/submission.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, useTestApp } from '../helpers/app.ts'
import type { Truth } from '../../scoring/truth.ts'
import { joinComp, makeOrganizer, signUp, submit } from './users.ts'

/** Truth plus a different offset per image: per-image cosines with many significant digits. */
function noisyCsv(truth: Truth): string {
  const lines = ['imgId_eId,val']
  for (let i = 0; i < truth.ids.length; i++) {
    for (let k = 0; k < truth.dim; k++) {
      const v = truth.vectors[i * truth.dim + k] + (k === i % truth.dim ? 0.37 * (i + 1) : 0) + (k === 5 ? 0.011 * i : 0)
      lines.push(`${truth.ids[i]}_${k},${v}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** Every number literal in `text` with more than 3 decimals. */
const preciseNumbers = (text: string) => text.match(/-?\d+\.\d{4,}(e-?\d+)?/g) ?? []

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('gives participants rounded distributions without image ids, and organizers the full table', async () => {
    const c = await seedCompetition(app, { images: 12, publicCount: 5 })
    const organizer = await makeOrganizer(app, 'org-per-image')
    const alice = await signUp(app, 'alice-per-image')
    await joinComp(app, alice, c.slug)
    const res = await submit(app, alice, c.slug, noisyCsv(c.truth))
    expect(res.status).toBe(201)
    const id = res.body.submission!.id
    expect((await settled(app, id)).status).toBe('scored')

    // Participant: the API.
    const asAlice = await perImage(app.request(`/api/submissions/${id}/scores`, { token: alice.token }), params({ id }))
    expect(asAlice.status).toBe(200)
    const text = await asAlice.text()
    for (const imageId of c.truth.ids) expect(text).not.toContain(imageId)
    expect(preciseNumbers(text)).toEqual([])
    const body = JSON.parse(text) as { images?: unknown; private?: unknown; public: { count: number; counts: number[]; edges: number[]; quantiles: Record<string, number>; mean: number } }
    expect(body.images).toBeUndefined()
    expect(body.private).toBeUndefined()
    expect(body.public.count).toBe(5)
    expect(body.public.counts.reduce((a, b) => a + b, 0)).toBe(5)
    expect(body.public.edges).toHaveLength(body.public.counts.length + 1)
    expect(Object.keys(body.public.quantiles).sort()).toEqual(['p25', 'p5', 'p50', 'p75', 'p95'])

    // Participant: the submission page's read-model holds no table either.
    const detail = await submissionDetail(await t.db.user.findUniqueOrThrow({ where: { id: alice.id } }), id)
    const pageText = JSON.stringify(detail?.histograms)
    expect(detail?.histograms.public?.submission.count).toBe(5)
    expect(detail?.histograms.private).toBeNull()
    for (const imageId of c.truth.ids) expect(JSON.stringify(detail)).not.toContain(imageId)
    expect(preciseNumbers(pageText)).toEqual([])

    // Organizer: every image with its full-precision score, and both distributions.
    const asOrg = await perImage(app.request(`/api/submissions/${id}/scores`, { token: organizer.token }), params({ id }))
    const full = (await asOrg.json()) as { images: { imageId: string; public: boolean; score: number }[]; private: { count: number } }
    expect(full.images.map((r) => r.imageId)).toEqual(c.truth.ids)
    expect(full.images.filter((r) => !r.public)).toHaveLength(7)
    expect(full.private.count).toBe(7)
    expect(full.images.some((r) => preciseNumbers(String(r.score)).length > 0)).toBe(true)
    const orgDetail = await submissionDetail(await t.db.user.findUniqueOrThrow({ where: { id: organizer.id } }), id)
    expect(orgDetail?.histograms.private?.submission.count).toBe(7)
  })
})
