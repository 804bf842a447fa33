// Prompt-text submissions go through the embedder (a fake one here: the real MiniLM has its own
// parity tests) and are scored like embeddings.
import { afterAll, expect, it } from 'vitest'
import { setPromptEmbedder } from '../../lib/jobs/prompt-scoring.ts'
import type { Embedder } from '../../scoring/embedder.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, useTestApp } from '../helpers/app.ts'
import { POST as upload } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { joinComp, signUp } from './users.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)
  afterAll(() => setPromptEmbedder(undefined))

  it('embeds prompts and scores them; reports bad rows with their line', async () => {
    const c = await seedCompetition(app, { images: 4, publicCount: 2 })
    // "a photo of imgNNN" embeds to that image's truth vector; anything else to its negation of img000.
    const fake: Embedder = {
      dim: c.truth.dim,
      provider: 'fake',
      async embed(texts) {
        const out = new Float32Array(texts.length * c.truth.dim)
        texts.forEach((text, i) => {
          const id = /img\d{3}/.exec(text)?.[0]
          const row = id ? c.truth.ids.indexOf(id) : 0
          const sign = id ? 1 : -1
          for (let k = 0; k < c.truth.dim; k++) out[i * c.truth.dim + k] = sign * c.truth.vectors[row * c.truth.dim + k]
        })
        return out
      },
      async close() {},
    }
    setPromptEmbedder(fake)
    const u = await signUp(app)
    await joinComp(app, u, c.slug)
    const send = async (csv: string) => {
      const res = await upload(app.request(`/api/competitions/${c.slug}/submissions?filename=prompts.csv&kind=prompts`, { method: 'POST', token: u.token, body: csv }), params({ slug: c.slug }))
      expect(res.status).toBe(201)
      return settled(app, ((await res.json()) as { submission: { id: string } }).submission.id)
    }
    const good = await send('imgId,prompt\nimg000,a photo of img000\nimg001,"a photo of img001, in oils"\nimg002,a photo of img002\nimg003,something else\n')
    expect(good).toMatchObject({ status: 'scored', kind: 'prompts' })
    expect(good.publicScore).toBeCloseTo(1, 6)
    expect(good.privateScore).toBeCloseTo((1 + -1 * cosine(c, 0, 3)) / 2, 5)
    const bad = await send('imgId,prompt\nimg000,x\nimg999,y\n')
    expect(bad).toMatchObject({ status: 'failed', errorLine: 3 })
    expect(bad.error).toMatch(/^Line 3: unknown image id 'img999'/)
  })
})

function cosine(c: { truth: { dim: number; vectors: Float32Array } }, a: number, b: number): number {
  let dot = 0
  for (let k = 0; k < c.truth.dim; k++) dot += c.truth.vectors[a * c.truth.dim + k] * c.truth.vectors[b * c.truth.dim + k]
  return dot
}
