import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { zipSync } from 'fflate'
import {
  detectSourceFormat,
  detectSubmissionFormat,
  readPromptCsv,
  readTruthCsv,
  scoreSubmission,
  type ScoringError,
} from '../../scoring/index.ts'
import { chunked, gz, prng, randomTruth, tempDir, writeTemp, zip } from './helpers.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const enc = (s: string) => new TextEncoder().encode(s)
const truth = randomTruth(prng(11), 6, 384)
const rows = Array.from(truth.vectors, (v, s) => `${truth.ids[Math.floor(s / 384)]}_${s % 384},${(v * 0.7).toFixed(6)}`)
const lf = ['imgId_eId,val', ...rows].join('\n') + '\n'
const cr = lf.replace(/\n/g, '\r')

async function errorOf(data: string | Uint8Array): Promise<ScoringError | null> {
  const r = await scoreSubmission(writeTemp(dir, 'f.bin', data), truth, { threads: 0 })
  return r.ok ? null : r.error
}

describe('bare-CR line endings (old Mac files)', () => {
  it('score exactly as the LF file: plain, in chunks cut anywhere, through workers, gzip and zip', async () => {
    const want = await scoreSubmission(writeTemp(dir, 'lf.csv', lf), truth, { threads: 0 })
    if (!want.ok) throw new Error(want.error.message)
    const sources = [
      () => scoreSubmission(writeTemp(dir, 'cr.csv', cr), truth, { threads: 0 }),
      () => scoreSubmission(chunked(enc(cr), prng(2), 50), truth, { threads: 0 }),
      () => scoreSubmission(writeTemp(dir, 'cr.csv', cr), truth, { threads: 2, segmentBytes: 2000, awaitWorkers: true }),
      () => scoreSubmission(writeTemp(dir, 'cr.csv.gz', gz(cr)), truth, { threads: 0 }),
      () => scoreSubmission(writeTemp(dir, 'cr.zip', zip({ 'cr.csv': cr })), truth, { threads: 0 }),
    ]
    for (const run of sources) {
      const r = await run()
      if (!r.ok) throw new Error(r.error.message)
      expect(r.score).toBe(want.score)
      expect(r.rows).toBe(rows.length)
    }
  })
  it('keep line numbers, and CRLF inside a CR file stays one line end', async () => {
    const bad = cr.replace(`${truth.ids[0]}_5,`, `${truth.ids[0]}_5,x`)
    expect(await errorOf(bad)).toMatchObject({ code: 'not_a_number', line: 7 })
    const mixed = cr.replace(`\r${truth.ids[0]}_3,`, `\r\n${truth.ids[0]}_3,`).replace(`${truth.ids[0]}_5,`, `${truth.ids[0]}_5,x`)
    expect(await errorOf(mixed)).toMatchObject({ code: 'not_a_number', line: 7 })
  })
  it('are read in truth files and prompt CSVs', async () => {
    const t = await readTruthCsv(writeTemp(dir, 'tcr.csv', 'imgId_eId,val\ra_0,1\ra_1,2\rb_0,3\rb_1,4'))
    if (!t.ok) throw new Error(t.error.message)
    expect(Array.from(t.truth.vectors)).toEqual([1, 2, 3, 4])
    const p = await readPromptCsv(writeTemp(dir, 'pcr.csv', 'imgId,prompt\ra,"x, y"\rb,z\r'))
    if (!p.ok) throw new Error(p.error.message)
    expect(p.prompts).toEqual(['x, y', 'z'])
  })
})

describe('files that are not CSV', () => {
  const utf16le = (s: string) => Uint8Array.from(Buffer.from(s, 'utf16le'))
  it('UTF-16 with and without a byte-order mark', async () => {
    expect(await errorOf(Uint8Array.from([0xff, 0xfe, ...utf16le(lf.slice(0, 200))]))).toMatchObject({
      code: 'not_csv',
      message: expect.stringMatching(/^The file is UTF-16 text .*, not a CSV: save it as "CSV UTF-8"/),
    })
    expect(await errorOf(utf16le(lf.slice(0, 200)))).toMatchObject({ code: 'not_csv', message: expect.stringMatching(/UTF-16 text .* without a byte-order mark/) })
    expect(await errorOf(gz(Buffer.from(lf.slice(0, 200), 'utf16le').toString('latin1')))).toMatchObject({ code: 'not_csv' })
  })
  it('Excel and OpenDocument workbooks, old .xls, PDF, images, other archives, binary', async () => {
    const xlsx = zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>', 'xl/worksheets/sheet1.xml': '<x/>' })
    expect(await errorOf(xlsx)).toMatchObject({ code: 'not_csv', message: expect.stringMatching(/^The file is an Excel workbook \(\.xlsx\), not a CSV: save it as "CSV UTF-8"/) })
    expect(await errorOf(zip({ mimetype: 'application/vnd.oasis.opendocument.spreadsheet', 'content.xml': '<x/>' }))).toMatchObject({
      code: 'not_csv',
      message: expect.stringMatching(/OpenDocument spreadsheet/),
    })
    const kinds: [number[], RegExp][] = [
      [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0], /old-style Excel workbook \(\.xls\)/],
      [Array.from(enc('%PDF-1.7\n%âãÏÓ\n')), /a PDF document/],
      [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], /a PNG image/],
      [[0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46], /a JPEG image/],
      [Array.from(enc('BZh91AY&SY')), /bzip2 archive/],
      [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4], /7-Zip archive/],
      [Array.from(enc('imgId_eId,val\na\u0000b,1\n')), /binary data/],
    ]
    for (const [bytes, what] of kinds) {
      const e = await errorOf(Uint8Array.from(bytes))
      expect(e).toMatchObject({ code: 'not_csv', message: expect.stringMatching(what) })
      expect(e?.message).toMatch(/not a CSV: /)
    }
    // The same message for truth files.
    const t = await readTruthCsv(writeTemp(dir, 'x.xlsx', xlsx))
    expect(t.ok ? null : t.error).toMatchObject({ code: 'not_csv' })
  })
  it('corrupt archives: truncated or damaged zip and gzip, unsupported zip method', async () => {
    const good = zip({ 'sub.csv': lf })
    expect(await errorOf(good.subarray(0, Math.floor(good.length / 2)))).toMatchObject({ code: 'bad_zip', message: expect.stringMatching(/^The zip archive is damaged \(.+\): send the CSV/) })
    const damaged = good.slice()
    damaged.fill(0xff, 200, 400)
    expect(await errorOf(damaged)).toMatchObject({ code: 'bad_zip' })
    const gzBytes = gz(lf)
    expect(await errorOf(gzBytes.subarray(0, gzBytes.length - 100))).toMatchObject({ code: 'bad_gzip', message: expect.stringMatching(/^The file is a damaged gzip archive \(.+\): send the CSV/) })
    const bzipped = good.slice()
    bzipped[8] = 12 // compression method of the first local header: 12 = bzip2
    expect(await errorOf(bzipped)).toMatchObject({ code: 'bad_zip', message: expect.stringMatching(/compression method 12, which is not supported/) })
  })
  it('a stored (uncompressed) zip member still scores', async () => {
    const stored = zipSync({ 'sub.csv': enc(lf) }, { level: 0 })
    expect(await errorOf(stored)).toBeNull()
  })
})

describe('detectSubmissionFormat / detectSourceFormat', () => {
  it('tells the two formats apart by their header, whatever the line end or column order', () => {
    const fmt = (s: string | Uint8Array, whole = false) => {
      const r = detectSubmissionFormat(typeof s === 'string' ? enc(s) : s, whole)
      return r.ok ? r.format : r.error.code
    }
    expect(fmt('imgId_eId,val\na_0,1\n')).toBe('embeddings')
    expect(fmt('\uFEFFval , imgId_eId\r\n')).toBe('embeddings')
    expect(fmt('imgId,prompt\ra,"x"\r')).toBe('prompts')
    expect(fmt('"prompt","imgId"\n')).toBe('prompts')
    expect(fmt('imgId_eId,val', true)).toBe('embeddings')
    expect(fmt('imgId_eId,val')).toBe('line_too_long')
    expect(fmt('', true)).toBe('empty_file')
    const unknown = detectSubmissionFormat(enc('id,value\n1,2\n'))
    expect(unknown.ok ? null : unknown.error).toMatchObject({
      code: 'unknown_format',
      line: 1,
      message: "Line 1: The header 'id,value' is neither imgId_eId,val (embeddings) nor imgId,prompt (prompt texts)",
    })
    expect(fmt(Uint8Array.from([0xff, 0xfe, 0x69, 0]))).toBe('not_csv')
  })
  it('looks inside gzip and zip archives and names what is not CSV', async () => {
    const fmt = async (data: string | Uint8Array) => {
      const r = await detectSourceFormat(writeTemp(dir, 'd.bin', data))
      return r.ok ? r.format : r.error.code
    }
    expect(await fmt(gz(lf))).toBe('embeddings')
    expect(await fmt(zip({ 'p.csv': 'imgId,prompt\na,b\n' }))).toBe('prompts')
    expect(await fmt(zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<w/>' }))).toBe('not_csv')
    expect(await fmt('imgId,prompt\na,b')).toBe('prompts')
  })
})
