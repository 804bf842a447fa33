import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { buildTruth, scoreSubmission, type ScoringError } from '../../scoring/index.ts'
import { gz, tempDir, writeTemp, zip } from './helpers.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const DIM = 384
const ids = ['20057f34d', 'a4e1c55a9', '227ef0887']
const truth = buildTruth(ids, new Float32Array(ids.length * DIM).fill(0.05), DIM)

/** Valid file as lines; lines[0] is the header, so lines[k] is line k+1. */
function lines(): string[] {
  const out = ['imgId_eId,val']
  for (const id of ids) for (let k = 0; k < DIM; k++) out.push(`${id}_${k},${(k % 7) * 0.01 - 0.03}`)
  return out
}

type Path = 'single' | 'threads' | 'slow'

/** Scores `text` through one engine path; 'slow' forces the quote-aware tokenizer from line 2 on. */
async function errorOf(text: string | Uint8Array, path: Path = 'single'): Promise<ScoringError> {
  let data = text
  if (path === 'slow' && typeof text === 'string') {
    const ls = text.split('\n')
    if (ls.length > 1 && /^[^",]+,[^"]*$/.test(ls[1])) ls[1] = `"${ls[1].split(',')[0]}",${ls[1].split(',').slice(1).join(',')}`
    data = ls.join('\n')
  }
  const r = await scoreSubmission(writeTemp(dir, 'v.csv', data), truth, path === 'threads' ? { threads: 2, segmentBytes: 300, awaitWorkers: true } : { threads: 0 })
  if (r.ok) throw new Error('expected an error')
  return r.error
}

const paths: Path[] = ['single', 'threads', 'slow']

describe.each(paths)('validation (%s path)', (path) => {
  const at = (mutate: (ls: string[]) => void) => {
    const ls = lines()
    mutate(ls)
    return ls.join('\n') + '\n'
  }

  it('non-numeric value', async () => {
    const e = await errorOf(at((ls) => (ls[11] = '20057f34d_10,abc')), path)
    expect(e).toMatchObject({ code: 'not_a_number', line: 12, column: 2, message: "Line 12: value 'abc' for 20057f34d_10 is not a number" })
  })
  it('empty value', async () => {
    const e = await errorOf(at((ls) => (ls[500] = `${ids[1]}_115,`)), path)
    expect(e).toMatchObject({ code: 'empty_value', line: 501, message: `Line 501: value for ${ids[1]}_115 is empty` })
  })
  it('NaN and infinities', async () => {
    expect(await errorOf(at((ls) => (ls[3] = '20057f34d_2,NaN')), path)).toMatchObject({ code: 'not_finite', line: 4, message: "Line 4: value 'NaN' for 20057f34d_2 is not finite; values must be finite numbers" })
    expect(await errorOf(at((ls) => (ls[3] = '20057f34d_2,-inf')), path)).toMatchObject({ code: 'not_finite', line: 4 })
    expect(await errorOf(at((ls) => (ls[3] = '20057f34d_2,Infinity')), path)).toMatchObject({ code: 'not_finite', line: 4 })
    expect(await errorOf(at((ls) => (ls[3] = '20057f34d_2,1e400')), path)).toMatchObject({ code: 'not_finite', line: 4, message: "Line 4: value '1e400' for 20057f34d_2 overflows to infinity" })
  })
  it('unknown image id, and ids are case-sensitive', async () => {
    expect(await errorOf(at((ls) => (ls[700] = 'ffffffff0_3,0.1')), path)).toMatchObject({ code: 'unknown_image', line: 701, column: 1, message: "Line 701: unknown image id 'ffffffff0' in 'ffffffff0_3'" })
    expect(await errorOf(at((ls) => (ls[1] = '20057F34D_0,0.1')), path)).toMatchObject({ code: 'unknown_image', line: 2 })
  })
  it('dimension outside 0–383 and malformed ids', async () => {
    expect(await errorOf(at((ls) => (ls[2] = '20057f34d_384,0.1')), path)).toMatchObject({ code: 'dim_out_of_range', line: 3, message: "Line 3: embedding index 384 in '20057f34d_384' is outside 0–383" })
    expect(await errorOf(at((ls) => (ls[2] = '20057f34d_-1,0.1')), path)).toMatchObject({ code: 'bad_id', line: 3 })
    expect(await errorOf(at((ls) => (ls[2] = '20057f34d_01,0.1')), path)).toMatchObject({ code: 'bad_id', line: 3 })
    expect(await errorOf(at((ls) => (ls[2] = '20057f34d,0.1')), path)).toMatchObject({ code: 'bad_id', line: 3 })
    expect(await errorOf(at((ls) => (ls[2] = ',0.1')), path)).toMatchObject({ code: 'bad_id', line: 3, message: 'Line 3: id is empty' })
  })
  it('duplicate row, reported on its second occurrence, even far apart', async () => {
    expect(await errorOf(at((ls) => (ls[900] = `${ids[0]}_7,0.2`)), path)).toMatchObject({ code: 'duplicate_row', line: 901, message: `Line 901: duplicate row for id '${ids[0]}_7' (first seen on line 9)` })
    // Earliest second occurrence wins over a later one of another id.
    expect(
      await errorOf(
        at((ls) => {
          ls[1100] = `${ids[0]}_1,0.2`
          ls[1000] = `${ids[2]}_5,0.2`
        }),
        path,
      ),
    ).toMatchObject({ code: 'duplicate_row', line: 1001 })
  })
  it('first error in file order wins', async () => {
    const e = await errorOf(
      at((ls) => {
        ls[1150] = 'bad_0,1'
        ls[600] = `${ids[0]}_3,1`
        ls[300] = `${ids[0]}_299,x`
      }),
      path,
    )
    expect(e).toMatchObject({ code: 'not_a_number', line: 301 })
  })
  it('wrong number of fields', async () => {
    expect(await errorOf(at((ls) => (ls[5] = '20057f34d_4,0.1,extra')), path)).toMatchObject({ code: 'field_count', line: 6, message: 'Line 6: expected 2 fields (imgId_eId,val) but found 3' })
    expect(await errorOf(at((ls) => (ls[5] = '20057f34d_4')), path)).toMatchObject({ code: 'field_count', line: 6 })
  })
  it('missing rows', async () => {
    const e = await errorOf(at((ls) => ls.splice(1 + DIM, DIM)), path)
    expect(e).toMatchObject({ code: 'missing_rows', message: 'Submission is missing 384 rows; first missing id: a4e1c55a9_0' })
    expect(e.line).toBeUndefined()
  })
})

describe('validation of the file as a whole', () => {
  it('header errors', async () => {
    expect(await errorOf('imgId_eId,val,extra\n')).toMatchObject({ code: 'unexpected_column', line: 1, column: 3, message: "Unexpected column 'extra' (line 1); expected imgId_eId,val" })
    expect(await errorOf('id,val\n')).toMatchObject({ code: 'unexpected_column', message: "Unexpected column 'id' (line 1); expected imgId_eId,val" })
    expect(await errorOf('imgId_eId\n20057f34d_0\n')).toMatchObject({ code: 'missing_column', message: "Missing column 'val' (line 1); expected imgId_eId,val" })
    expect(await errorOf('val,val\n')).toMatchObject({ code: 'duplicate_column', line: 1, column: 2 })
  })
  it('empty file, blank file and header only', async () => {
    expect(await errorOf('')).toMatchObject({ code: 'empty_file', message: 'Submission is empty' })
    expect(await errorOf('\n\r\n\n')).toMatchObject({ code: 'empty_file' })
    expect(await errorOf('imgId_eId,val\n')).toMatchObject({ code: 'header_only', message: 'Submission has a header but no data rows' })
    expect(await errorOf('\uFEFFimgId_eId,val\r\n\r\n')).toMatchObject({ code: 'header_only' })
  })
  it('malformed quotes', async () => {
    expect(await errorOf('imgId_eId,val\n"20057f34d_0"x,1\n')).toMatchObject({ code: 'bad_quote', line: 2 })
    expect(await errorOf('imgId_eId,val\n20057f34d_0,"1\n')).toMatchObject({ code: 'unclosed_quote', line: 2 })
    // A quoted field may span lines; the error names the line where the record starts.
    expect(await errorOf('imgId_eId,val\n20057f34d_0,"1\n2"\nzzz_1,1\n')).toMatchObject({ code: 'not_a_number', line: 2 })
    expect(await errorOf('imgId_eId,val\n20057f34d_0,"1\n2"\nzzz_1,1\n'.replace('"1\n2"', '"1"'))).toMatchObject({ code: 'unknown_image', line: 3 })
  })
  it('corrupt gzip and zips with zero or several CSVs', async () => {
    const good = gz(lines().join('\n'))
    expect(await errorOf(good.subarray(0, good.length / 2))).toMatchObject({ code: 'bad_gzip' })
    expect(await errorOf(Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]))).toMatchObject({ code: 'bad_gzip' })
    expect(await errorOf(zip({ 'a.txt': 'x' }))).toMatchObject({ code: 'bad_zip', message: 'Zip archive holds no CSV file (it holds a.txt): send the CSV itself (UTF-8), a .csv.gz, or a .zip holding one .csv' })
    expect(await errorOf(zip({ 'a.csv': lines().join('\n'), 'b.csv': 'x' }))).toMatchObject({ code: 'bad_zip', message: 'Zip archive holds 2 CSV files (a.csv, b.csv); expected exactly one' })
  })
  it('overlong records', async () => {
    const r = await scoreSubmission(writeTemp(dir, 'long.csv', `imgId_eId,val\n20057f34d_0,${'1'.repeat(2_000_000)}\n`), truth, { threads: 0 })
    expect(r.ok ? null : r.error).toMatchObject({ code: 'line_too_long', line: 2 })
  })
  it('messages never contain truth values', async () => {
    const secret = buildTruth(['img'], Float32Array.from([0.123456789, 0.987654321]), 2)
    for (const text of ['imgId_eId,val\nimg_0,1\n', 'imgId_eId,val\nimg_0,x\n', 'imgId_eId,val\nimg_0,1\nimg_0,1\n']) {
      const r = await scoreSubmission(writeTemp(dir, 's.csv', text), secret)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.message).not.toMatch(/0\.12|0\.98/)
    }
  })
})
