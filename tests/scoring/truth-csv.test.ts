import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { readTruthCsv, type ScoringError } from '../../scoring/index.ts'
import { MAX_TRUTH_DIM } from '../../scoring/truth-csv.ts'
import { chunked, gz, prng, randomTruth, tempDir, writeTemp, zip } from './helpers.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const bytes = (text: string) => new TextEncoder().encode(text)

async function errorOf(text: string): Promise<ScoringError | null> {
  const r = await readTruthCsv(writeTemp(dir, 'e.csv', text))
  return r.ok ? null : r.error
}

describe('truth CSV reader', () => {
  it('takes ids in order of first appearance and dim from the largest eId, in any row order', async () => {
    const r = await readTruthCsv(writeTemp(dir, 't.csv', 'val,imgId_eId\n1,b_2\n2,a_0\n3,b_0\n4,a_2\n5,b_1\n6,a_1\n'))
    if (!r.ok) throw new Error(r.error.message)
    expect(r.truth.ids).toEqual(['b', 'a'])
    expect(r.truth.dim).toBe(3)
    expect(Array.from(r.truth.vectors)).toEqual([3, 5, 1, 2, 6, 4])
    expect(r.truth.vectors.buffer).toBeInstanceOf(SharedArrayBuffer)
  })

  it('reads a random truth exactly, in random chunks, sorted, eId-major and shuffled, plain and compressed', async () => {
    const truth = randomTruth(prng(3), 150, 40)
    const rows = Array.from(truth.vectors, (v, s) => `${truth.ids[Math.floor(s / 40)]}_${s % 40},${v}`)
    const rand = prng(5)
    const eMajor = rows.map((_, k) => (k % 150) * 40 + Math.floor(k / 150)).map((s) => rows[s])
    const shuffled = [...rows].sort(() => rand() - 0.5)
    for (const order of [rows, eMajor, shuffled]) {
      const text = 'imgId_eId,val\r\n' + order.join('\r\n') + '\r\n'
      for (const source of [chunked(bytes(text), rand, 300), writeTemp(dir, 'r.csv.gz', gz(text)), writeTemp(dir, 'r.zip', zip({ 'truth.csv': text }))]) {
        const r = await readTruthCsv(source)
        if (!r.ok) throw new Error(r.error.message)
        expect(r.truth.dim).toBe(40)
        expect(new Set(r.truth.ids)).toEqual(new Set(truth.ids))
        const at = new Map(r.truth.ids.map((id, i) => [id, i]))
        for (let i = 0; i < 150; i++) {
          const j = at.get(truth.ids[i]) as number
          expect(Array.from(r.truth.vectors.subarray(j * 40, j * 40 + 40))).toEqual(Array.from(truth.vectors.subarray(i * 40, i * 40 + 40)))
        }
      }
    }
  })

  it('switches to the quote-aware tokenizer mid-file with identical results and line numbers', async () => {
    const plain = ['imgId_eId,val', 'a_0,1', 'a_1,2', '', 'b_0,3', 'b_1,4']
    const quoted = ['imgId_eId,val', 'a_0,1', 'a_1,2', '', '"b_0","3"', 'b_1,4']
    for (const lines of [plain, quoted]) {
      const r = await readTruthCsv(chunked(bytes(lines.join('\n')), prng(1), 7))
      if (!r.ok) throw new Error(r.error.message)
      expect(Array.from(r.truth.vectors)).toEqual([1, 2, 3, 4])
    }
    // The quoted multi-line field moves the physical line of later rows.
    expect(await errorOf('imgId_eId,val\n"a_0","1"\n"a_\n1",2\na_1,x\n')).toMatchObject({ code: 'bad_id', line: 3 })
    expect(await errorOf('imgId_eId,val\na_0,"1"\nb_0,2\n\na_0,3\n')).toMatchObject({
      code: 'duplicate_row',
      line: 5,
      column: 1,
      message: "Line 5: duplicate row for id 'a_0' (first seen on line 2)",
    })
  })

  it('names the line, column and id of each invalid row', async () => {
    const head = 'imgId_eId,val\na_0,0.5\na_1,0.25\n'
    expect(await errorOf(head + 'b_0,abc\n')).toMatchObject({ code: 'not_a_number', line: 4, column: 2, message: "Line 4: value 'abc' for b_0 is not a number" })
    expect(await errorOf(head + 'b_0, \n')).toMatchObject({ code: 'empty_value', line: 4, column: 2, message: 'Line 4: value for b_0 is empty' })
    expect(await errorOf(head + 'b_0,nan\n')).toMatchObject({ code: 'not_finite', line: 4, message: "Line 4: value 'nan' for b_0 is not finite; values must be finite numbers" })
    expect(await errorOf(head + 'b_0,1e39\n')).toMatchObject({ code: 'not_finite', line: 4, message: "Line 4: value '1e39' for b_0 overflows to infinity" })
    expect(await errorOf(head + 'b_01,1\n')).toMatchObject({
      code: 'bad_id',
      line: 4,
      column: 1,
      message: "Line 4: id 'b_01' is not of the form imgId_eId (eId a whole number without leading zeros)",
    })
    expect(await errorOf(head + 'b0,1\n')).toMatchObject({ code: 'bad_id', line: 4 })
    expect(await errorOf(head + ',1\n')).toMatchObject({ code: 'bad_id', line: 4, message: 'Line 4: id is empty' })
    expect(await errorOf(head + 'b_0,1,2\n')).toMatchObject({ code: 'field_count', line: 4, message: 'Line 4: expected 2 fields (imgId_eId,val) but found 3' })
    expect(await errorOf(head + 'b_0\n')).toMatchObject({ code: 'field_count', line: 4, message: 'Line 4: expected 2 fields (imgId_eId,val) but found 1' })
    expect(await errorOf(head + `b_${MAX_TRUTH_DIM},1\n`)).toMatchObject({ code: 'dim_out_of_range', line: 4 })
    expect(await errorOf(head + 'a_1,0.5\r\n')).toMatchObject({ code: 'duplicate_row', line: 4, message: "Line 4: duplicate row for id 'a_1' (first seen on line 3)" })
    // Swapped columns: the id is column 2.
    expect(await errorOf('val,imgId_eId\n0.5,a_0\nx,a_1\n')).toMatchObject({ code: 'not_a_number', line: 3, column: 1 })
  })

  it('reports missing dimensions with the first missing id, and file-level problems', async () => {
    expect(await errorOf('imgId_eId,val\na_0,1\na_2,1\nb_0,1\nb_1,1\nb_2,1\n')).toMatchObject({
      code: 'missing_rows',
      message: 'Truth file is missing 1 row; first missing id: a_1',
    })
    expect(await errorOf('imgId_eId,val\na_0,1\na_1,1\nb_1,1\n')).toMatchObject({ code: 'missing_rows', message: 'Truth file is missing 1 row; first missing id: b_0' })
    expect(await errorOf('')).toMatchObject({ code: 'empty_file', message: 'Truth file is empty' })
    expect(await errorOf('imgId_eId,val\n\n')).toMatchObject({ code: 'header_only', message: 'Truth file has a header but no data rows' })
    expect(await errorOf('imgId,val\na_0,1\n')).toMatchObject({ code: 'unexpected_column', line: 1, column: 1 })
  })

  it('rejects an overlong line with its line number', async () => {
    const r = await readTruthCsv(writeTemp(dir, 'long.csv', `imgId_eId,val\na_0,1\na_1,${'1'.repeat(300)}\n`), { maxRecordBytes: 100 })
    expect(r.ok ? null : r.error).toMatchObject({ code: 'line_too_long', line: 3 })
  })
})
