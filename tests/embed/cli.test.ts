import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readPromptRows } from '../../bin/commands/embed.ts'
import { UsageError } from '../../bin/command.ts'
import { formatFloat32 } from '../../scoring/embed/format.ts'
import { HAVE_SHARED, KAGGLE_DIR, MODEL_DIR, REPO_ROOT } from './model.ts'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'arena-embed-'))
const arena = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'arena.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ARENA_MODELS_DIR: MODEL_DIR ? path.dirname(MODEL_DIR) : '' } })

describe.skipIf(!HAVE_SHARED)('truth CSV number format', () => {
  it('writes every value of the host sample_submission.csv exactly as the host did', () => {
    const lines = readFileSync(path.join(KAGGLE_DIR, 'sample_submission.csv'), 'utf8').trim().split('\n').slice(1)
    const mismatched = lines.map((l) => l.split(',')[1]).filter((v) => formatFloat32(Number(v)) !== v)
    expect(mismatched).toEqual([])
    expect([formatFloat32(1), formatFloat32(0), formatFloat32(-8.726701e-5), formatFloat32(0.0001)]).toEqual(['1.0', '0.0', '-8.726701e-05', '1e-04'])
  })
})

describe('prompts CSV parsing (the test-set reader, as usage errors)', () => {
  it('reads quoted multi-line prompts and keeps line numbers', () => {
    const rows = readPromptRows('imgId,prompt\na,"line one\nline two, with comma"\n\nb,"say ""hi"""\n', 'x.csv')
    expect(rows).toEqual([
      { id: 'a', prompt: 'line one\nline two, with comma', line: 2 },
      { id: 'b', prompt: 'say "hi"', line: 5 },
    ])
  })

  it('reports bad rows with their line numbers, and refuses the ids a test-set import refuses', () => {
    expect(() => readPromptRows('imgId,prompt\na,ok\na,dup\n,empty\nc,too,many\n', 'x.csv')).toThrow(
      /line 3: duplicate imgId 'a' \(first on line 2\)[\s\S]*line 4: empty imgId[\s\S]*line 5: expected 2 fields, found 3/,
    )
    expect(() => readPromptRows('id,text\n1,x\n', 'x.csv')).toThrow(UsageError)
    expect(() => readPromptRows('id,text\n1,x\n', 'x.csv')).toThrow(/line 1: the header must name the columns imgId and prompt/)
    expect(() => readPromptRows('imgId,prompt\na,"never closed\n', 'x.csv')).toThrow(/line 2/)
    expect(() => readPromptRows('imgId,prompt\na b,spaces are no id\n', 'x.csv')).toThrow(/line 2: imgId 'a b' may only contain/)
  })
})

describe.skipIf(!MODEL_DIR || !HAVE_SHARED)('arena embed', () => {
  it('reproduces the host sample_submission.csv from prompts.csv within 1e-6', () => {
    const out = path.join(tmp, 'truth.csv')
    const r = arena('embed', path.join(KAGGLE_DIR, 'prompts.csv'), '-o', out, '--batch-size', '4')
    expect(r.status, r.stderr).toBe(0)
    const got = readFileSync(out, 'utf8').trim().split('\n')
    const want = readFileSync(path.join(KAGGLE_DIR, 'sample_submission.csv'), 'utf8').trim().split('\n')
    expect(got[0]).toBe('imgId_eId,val')
    expect(got.length).toBe(want.length)
    let worst = 0
    for (let i = 1; i < want.length; i++) {
      const [gk, gv] = got[i].split(',')
      const [wk, wv] = want[i].split(',')
      expect(gk).toBe(wk)
      worst = Math.max(worst, Math.abs(Number(gv) - Number(wv)))
    }
    console.log(`[cli] arena embed vs sample_submission.csv: max abs diff ${worst.toExponential(3)}`)
    expect(worst).toBeLessThanOrEqual(1e-6)
  })

  it('exits 2 with line numbers on bad input and on a missing file', () => {
    const bad = path.join(tmp, 'bad.csv')
    writeFileSync(bad, 'imgId,prompt\nx,hello\nx,again\n')
    const r = arena('embed', bad, '-o', path.join(tmp, 'never.csv'))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/line 3: duplicate imgId 'x'/)
    const missing = arena('embed', path.join(tmp, 'nope.csv'), '-o', path.join(tmp, 'never.csv'))
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/cannot read/)
    const noOut = arena('embed', bad)
    expect(noOut.status).toBe(2)
  })
})
