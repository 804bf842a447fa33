import { afterAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { prng, randomTruth, repoRoot, tempDir, writeTemp } from './helpers.ts'
import { HAVE_SHARED, KAGGLE_DIR, MODEL_DIR } from '../embed/model.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function arena(...args: string[]) {
  const env = { ...process.env, ...(MODEL_DIR ? { ARENA_MODELS_DIR: path.dirname(MODEL_DIR) } : {}) }
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/arena.js'), 'score', ...args], { encoding: 'utf8', cwd: repoRoot, env })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('arena score', () => {
  const truth = randomTruth(prng(8), 4, 384)
  const long = (f: (x: number, s: number) => number) =>
    'imgId_eId,val\n' + Array.from(truth.vectors, (x, s) => `${truth.ids[Math.floor(s / 384)]}_${s % 384},${f(x, s)}`).join('\n') + '\n'
  const truthCsv = writeTemp(dir, 'truth.csv', long((x) => x))

  it('prints help', () => {
    const r = arena('--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Usage: arena score --truth TRUTH SUBMISSION/)
  })
  it('exits 0 with JSON scores; public/private follow --public-ids', () => {
    const sub = writeTemp(dir, 'sub.csv', long((x, s) => (s < 384 ? -x : x)))
    const pub = writeTemp(dir, 'public.txt', `${truth.ids[0]}\n${truth.ids[1]}\n`)
    const r = arena('--truth', truthCsv, sub, '--public-ids', pub, '--json')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { score: number; public: number; private: number; images: number; rows: number }
    expect(out.images).toBe(4)
    expect(out.rows).toBe(4 * 384)
    expect(out.score).toBeCloseTo(0.5, 6)
    expect(out.public).toBeCloseTo(0, 6)
    expect(out.private).toBeCloseTo(1, 6)
    const all = JSON.parse(arena('--truth', truthCsv, sub, '--json').stdout) as { private: null }
    expect(all.private).toBeNull()
  })
  it('exits 2 with the message and no stack for an invalid submission', () => {
    const bad = writeTemp(dir, 'bad.csv', long((x) => x).replace(`${truth.ids[0]}_3,`, `${truth.ids[0]}_3,abc`))
    const r = arena('--truth', truthCsv, bad, '--json')
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim()).toMatch(/^Line 5: value 'abc[^']*' for \w+_3 is not a number$/)
  })
  it('reads a bare-CR truth and submission, and names the line of an invalid truth row', () => {
    const crTruth = writeTemp(dir, 'truth-cr.csv', long((x) => x).replace(/\n/g, '\r'))
    const sub = writeTemp(dir, 'sub-cr.csv', long((x) => x).replace(/\n/g, '\r'))
    const r = arena('--truth', crTruth, sub, '--json')
    expect(r.stderr).toBe('')
    expect((JSON.parse(r.stdout) as { score: number }).score).toBeCloseTo(1, 6)
    const badTruth = writeTemp(dir, 'truth-bad.csv', long((x) => x).replace(`${truth.ids[1]}_7,`, `${truth.ids[1]}_7,x`))
    const bad = arena('--truth', badTruth, sub)
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toMatch(new RegExp(`^arena score: truth file: Line ${384 + 9}: value 'x[^']*' for ${truth.ids[1]}_7 is not a number`))
  })
  it('exits 2 naming what the submission is when it is not a CSV of either format', () => {
    const header = arena('--truth', truthCsv, writeTemp(dir, 'odd.csv', 'id,value\n1,2\n'))
    expect(header.code).toBe(2)
    expect(header.stderr.trim()).toBe("Line 1: The header 'id,value' is neither imgId_eId,val (embeddings) nor imgId,prompt (prompt texts)")
    const pdf = arena('--truth', truthCsv, writeTemp(dir, 'sub.pdf', '%PDF-1.4\n'))
    expect(pdf.code).toBe(2)
    expect(pdf.stderr.trim()).toMatch(/^The file is a PDF document, not a CSV: send the CSV itself/)
  })
  it('exits 2 for usage errors', () => {
    expect(arena(truthCsv).code).toBe(2)
    expect(arena('--truth', path.join(dir, 'nope.csv'), truthCsv).code).toBe(2)
  })
})

describe.skipIf(!MODEL_DIR || !HAVE_SHARED)('arena score with prompt texts', () => {
  it('recognises a prompt-text submission by its header (no --prompts), also with bare-CR lines', () => {
    const truthCsv = path.join(KAGGLE_DIR, 'sample_submission.csv')
    const prompts = readFileSync(path.join(KAGGLE_DIR, 'prompts.csv'), 'utf8')
    for (const text of [prompts, prompts.replace(/\r?\n/g, '\r')]) {
      const r = arena('--truth', truthCsv, writeTemp(dir, 'prompts.csv', text), '--json')
      expect(r.stderr).toBe('')
      const out = JSON.parse(r.stdout) as { score: number; images: number }
      expect(out.images).toBe(7)
      // The sample's vectors are these prompts' embeddings (float32 text): cosine 1 within 1e-6.
      expect(Math.abs(out.score - 1)).toBeLessThan(1e-6)
    }
  })
})
