import { afterAll, describe, expect, it } from 'vitest'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import {
  buildTruth,
  decodeTruth,
  encodeTruth,
  readPromptCsv,
  readTruthCsv,
  readTruthFile,
  scorePromptSubmission,
  scoreSubmission,
  writeTruthFile,
  type Embedder,
} from '../../scoring/index.ts'
import { prng, randomTruth, sharedDir, tempDir, writeTemp } from './helpers.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Deterministic fake embedder: a vector per text from a hash, so equal texts embed equally. */
function fakeEmbedder(dim: number): Embedder {
  return {
    dim,
    provider: 'fake',
    async embed(texts) {
      const out = new Float32Array(texts.length * dim)
      texts.forEach((t, i) => {
        let h = 2166136261
        for (const ch of t) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619)
        const rand = prng(h)
        for (let k = 0; k < dim; k++) out[i * dim + k] = rand() - 0.5
      })
      return out
    },
    async close() {},
  }
}

describe('truth file', () => {
  it('round-trips ids, public flags and float32 vectors exactly', async () => {
    const truth = randomTruth(prng(1), 50, 384)
    const file = path.join(dir, 't.truth')
    await writeTruthFile(file, truth)
    const back = await readTruthFile(file)
    expect(back.ids).toEqual(truth.ids)
    expect(back.dim).toBe(384)
    expect(Array.from(back.isPublic)).toEqual(Array.from(truth.isPublic))
    expect(Buffer.from(back.vectors.buffer).equals(Buffer.from(truth.vectors.buffer))).toBe(true)
  })
  it('rejects corrupt files', () => {
    const bytes = encodeTruth(randomTruth(prng(2), 3, 4))
    expect(() => decodeTruth(bytes.subarray(0, bytes.length - 1))).toThrow(/wrong length/)
    const bad = bytes.slice()
    bad[0] = 0
    expect(() => decodeTruth(bad)).toThrow(/magic/)
  })
  it('reads a long-format truth CSV and marks public ids', async () => {
    const file = writeTemp(dir, 'truth.csv', 'imgId_eId,val\nb_1,0.5\nb_0,-0.5\na_0,1\na_1,0\n')
    const r = await readTruthCsv(file, { publicIds: ['a'] })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.truth.ids).toEqual(['b', 'a'])
    expect(Array.from(r.truth.vectors)).toEqual([-0.5, 0.5, 1, 0])
    expect(Array.from(r.truth.isPublic)).toEqual([0, 1])
    const missing = await readTruthCsv(writeTemp(dir, 'bad.csv', 'imgId_eId,val\nb_1,0.5\n'))
    expect(missing.ok ? null : missing.error).toMatchObject({ code: 'missing_rows', message: 'Truth file is missing 1 row; first missing id: b_0' })
  })
})

describe('prompt-text submissions', () => {
  const ids = ['aaa', 'bbb', 'ccc']
  const dim = 8
  const embedder = fakeEmbedder(dim)
  const prompts = ['a red fox, "sly" and\nquick', '', 'plain']
  const makeTruth = async (publicIds?: string[]) => buildTruth(ids, await embedder.embed(prompts), dim, { publicIds })
  const csv = 'imgId,prompt\n' + ids.map((id, i) => `${id},"${prompts[i].replace(/"/g, '""')}"`).join('\n') + '\n'

  it('parses multi-line quoted prompts, empty prompts and scores identical prompts 1', async () => {
    const table = await readPromptCsv(writeTemp(dir, 'p.csv', csv))
    if (!table.ok) throw new Error(table.error.message)
    expect(table.prompts).toEqual(prompts)
    const r = await scorePromptSubmission(writeTemp(dir, 'p.csv', csv), await makeTruth(['aaa']), embedder)
    if (!r.ok) throw new Error(r.error.message)
    expect(Math.abs(r.score - 1)).toBeLessThanOrEqual(1e-12)
    expect(r.private).not.toBeNull()
    expect(r.rows).toBe(3)
  })
  it('scores like the long format on the embedded vectors (columns swapped)', async () => {
    const truth = await makeTruth()
    const other = ['x', 'y', 'plain']
    const text = 'prompt,imgId\n' + other.map((p, i) => `${p},${ids[i]}`).join('\r\n')
    const r = await scorePromptSubmission(writeTemp(dir, 'q.csv', text), truth, embedder)
    if (!r.ok) throw new Error(r.error.message)
    const vec = await embedder.embed(other)
    const long = 'imgId_eId,val\n' + Array.from(vec, (v, s) => `${ids[Math.floor(s / dim)]}_${s % dim},${v}`).join('\n')
    const r2 = await scoreSubmission(writeTemp(dir, 'q2.csv', long), truth)
    if (!r2.ok) throw new Error(r2.error.message)
    expect(Math.abs(r.score - r2.score)).toBeLessThanOrEqual(1e-12)
    expect(r.perImage[2]).toBeCloseTo(1, 12)
  })
  it('reports unknown, duplicate and missing ids with line numbers', async () => {
    const truth = await makeTruth()
    const run = async (text: string) => {
      const r = await scorePromptSubmission(writeTemp(dir, 'e.csv', text), truth, embedder)
      return r.ok ? null : r.error
    }
    expect(await run('imgId,prompt\naaa,"two\nlines"\nzzz,x\n')).toMatchObject({ code: 'unknown_image', line: 4, message: "Line 4: unknown image id 'zzz'" })
    expect(await run('imgId,prompt\naaa,x\nbbb,y\naaa,z\n')).toMatchObject({ code: 'duplicate_row', line: 4, message: "Line 4: duplicate row for image 'aaa' (first seen on line 2)" })
    expect(await run('imgId,prompt\naaa,x\nccc,y\n')).toMatchObject({ code: 'missing_rows', message: 'Submission is missing 1 row; first missing id: bbb' })
    expect(await run('imgId,text\n')).toMatchObject({ code: 'unexpected_column', line: 1 })
    expect(await run('imgId,prompt\naaa,x,y\n')).toMatchObject({ code: 'field_count', line: 2 })
  })
})

describe.skipIf(!readdirOk(sharedDir))('kaggle sample', () => {
  const sample = path.join(sharedDir, 'data/kaggle-sample/sample_submission.csv')
  it('scores exactly 1 against itself, also shuffled', async () => {
    const t = await readTruthCsv(sample)
    if (!t.ok) throw new Error(t.error.message)
    expect(t.truth.ids.length).toBe(7)
    expect(t.truth.dim).toBe(384)
    const r = await scoreSubmission(sample, t.truth)
    if (!r.ok) throw new Error(r.error.message)
    expect(Math.abs(r.score - 1)).toBeLessThanOrEqual(1e-12)
    const [header, ...rows] = readFileSync(sample, 'utf8').trim().split('\n')
    const rand = prng(4)
    rows.sort(() => rand() - 0.5)
    const shuffled = writeTemp(dir, 'shuffled.csv', [header, ...rows].join('\r\n'))
    const r2 = await scoreSubmission(shuffled, t.truth)
    if (!r2.ok) throw new Error(r2.error.message)
    expect(Math.abs(r2.score - 1)).toBeLessThanOrEqual(1e-12)
    expect(r2.rows).toBe(7 * 384)
  })
})

function readdirOk(p: string): boolean {
  try {
    return readFileSync(path.join(p, 'data/kaggle-sample/sample_submission.csv')).length > 0
  } catch {
    return false
  }
}
