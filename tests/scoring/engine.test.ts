import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { scoreSubmission, type Truth } from '../../scoring/index.ts'
import { RowStore, scanSegment } from '../../scoring/long-rows.ts'
import { chunked, gz, prng, randomTruth, referenceScores, tempDir, writeTemp, zip } from './helpers.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Layout {
  shuffle: boolean
  swap: boolean
  crlf: boolean
  bom: boolean
  quote: boolean
  trailingBlank: boolean
  finalNewline: boolean
  container: 'plain' | 'gzip' | 'zip'
  via: 'path' | 'iterable' | 'web'
  threads: number
}

/** Random value text for `x` in one of the spellings real submissions use. */
function spell(x: number, rand: () => number): string {
  const r = rand()
  if (r < 0.4) return x.toFixed(10)
  if (r < 0.55) return x.toExponential(Math.floor(rand() * 17))
  if (r < 0.7) return String(x)
  if (r < 0.8) return (x >= 0 ? '+' : '') + x.toPrecision(1 + Math.floor(rand() * 20))
  if (r < 0.9) return x.toFixed(Math.floor(rand() * 25)).replace(/^(-?)0\./, '$1.')
  return ` ${x.toFixed(6)}\t`
}

function build(truth: Truth, rand: () => number, layout: Layout): { text: string; values: number[] } {
  const values: number[] = []
  const cells: string[] = []
  const kind = rand()
  for (let i = 0; i < truth.ids.length; i++) {
    const zero = rand() < 0.1
    const scale = kind < 0.15 ? 1e200 : kind < 0.3 ? 1e-200 : rand() < 0.2 ? 1e30 : 1
    for (let k = 0; k < truth.dim; k++) {
      const x = zero ? (rand() < 0.5 ? 0 : -0) : (truth.vectors[i * truth.dim + k] + (rand() - 0.5) * rand()) * scale
      const s = zero ? (rand() < 0.5 ? '0' : '-0.0') : spell(x, rand)
      cells.push(s)
      values.push(Number(s.trim()))
    }
  }
  const rows = cells.map((v, slot) => {
    let id = `${truth.ids[Math.floor(slot / truth.dim)]}_${slot % truth.dim}`
    let val = v
    if (layout.quote && rand() < 0.3) id = `"${id}"`
    if (layout.quote && rand() < 0.3) val = `"${val}"`
    return layout.swap ? `${val},${id}` : `${id},${val}`
  })
  if (layout.shuffle) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[rows[i], rows[j]] = [rows[j], rows[i]]
    }
  }
  const nl = layout.crlf ? '\r\n' : '\n'
  let text = (layout.bom ? '\uFEFF' : '') + (layout.swap ? 'val,imgId_eId' : 'imgId_eId,val') + nl + rows.join(nl)
  if (layout.finalNewline) text += nl
  if (layout.trailingBlank) text += nl + nl
  return { text, values }
}

async function score(truth: Truth, text: string, layout: Layout, rand: () => number, name: string) {
  let bytes: Uint8Array = new TextEncoder().encode(text)
  if (layout.container === 'gzip') bytes = gz(text)
  if (layout.container === 'zip') bytes = zip({ 'folder/submission.csv': text, 'readme.txt': 'hi' })
  const options = { threads: layout.threads, segmentBytes: 200 + Math.floor(rand() * 2000), awaitWorkers: true }
  if (layout.via === 'path') return scoreSubmission(writeTemp(dir, name, bytes), truth, options)
  if (layout.via === 'web') {
    const it = chunked(bytes, rand, 500)[Symbol.asyncIterator]()
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        const r = await it.next()
        if (r.done) c.close()
        else c.enqueue(r.value)
      },
    })
    return scoreSubmission(stream, truth, options)
  }
  return scoreSubmission(chunked(bytes, rand, 300), truth, options)
}

describe('scoring engine vs float64 reference', () => {
  it('agrees to 1e-12 on 60 random submissions in every layout', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rand = prng(seed)
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]
      const truth = randomTruth(rand, 1 + Math.floor(rand() * 12), pick([1, 3, 16, 384]))
      const layout: Layout = {
        shuffle: rand() < 0.5,
        swap: rand() < 0.3,
        crlf: rand() < 0.3,
        bom: rand() < 0.3,
        quote: rand() < 0.3,
        trailingBlank: rand() < 0.3,
        finalNewline: rand() < 0.7,
        container: pick(['plain', 'plain', 'gzip', 'zip'] as const),
        via: pick(['path', 'iterable', 'web'] as const),
        threads: seed % 10 === 0 ? 2 : 0,
      }
      const { text, values } = build(truth, rand, layout)
      const got = await score(truth, text, layout, rand, `s${seed}.csv`)
      const want = referenceScores(values, truth)
      expect(got.ok ? null : got.error, `seed ${seed} ${JSON.stringify(layout)}`).toBeNull()
      if (!got.ok) continue
      expect(Math.abs(got.score - want.score), `seed ${seed}`).toBeLessThanOrEqual(1e-12)
      if (want.pub === null) expect(got.public).toBeNull()
      else expect(Math.abs((got.public as number) - want.pub)).toBeLessThanOrEqual(1e-12)
      if (want.priv === null) expect(got.private).toBeNull()
      else expect(Math.abs((got.private as number) - want.priv)).toBeLessThanOrEqual(1e-12)
      want.per.forEach((p, i) => expect(Math.abs(got.perImage[i] - p)).toBeLessThanOrEqual(1e-12))
      expect(got.images).toBe(truth.ids.length)
      expect(got.rows).toBe(truth.ids.length * truth.dim)
    }
  })

  it('gives the same result with worker threads, tiny segments and a quoted tail (slow path)', async () => {
    const rand = prng(99)
    const truth = randomTruth(rand, 40, 384)
    const layout: Layout = { shuffle: true, swap: false, crlf: true, bom: false, quote: false, trailingBlank: false, finalNewline: true, container: 'plain', via: 'path', threads: 2 }
    const { text, values } = build(truth, rand, layout)
    const lines = text.split('\r\n')
    lines[lines.length - 100] = lines[lines.length - 100].replace(/^([^,]+),/, '"$1",')
    const quoted = lines.join('\r\n')
    const want = referenceScores(values, truth)
    for (const threads of [0, 2]) {
      for (const t of [text, quoted]) {
        const got = await score(truth, t, { ...layout, threads }, rand, `t${threads}.csv`)
        if (!got.ok) throw new Error(got.error.message)
        expect(Math.abs(got.score - want.score)).toBeLessThanOrEqual(1e-12)
      }
    }
  })

  it('scores a perfect submission 1, a zero submission 0 and a negated one -1', async () => {
    const truth = randomTruth(prng(5), 5, 384)
    const vals = (f: (x: number) => number) => Array.from(truth.vectors, (x) => String(f(x)))
    const csv = (v: string[]) => ['imgId_eId,val', ...v.map((x, s) => `${truth.ids[Math.floor(s / 384)]}_${s % 384},${x}`)].join('\n')
    const run = async (v: string[]) => {
      const r = await scoreSubmission(writeTemp(dir, 'p.csv', csv(v)), truth)
      if (!r.ok) throw new Error(r.error.message)
      return r.score
    }
    expect(Math.abs((await run(vals((x) => x))) - 1)).toBeLessThanOrEqual(1e-12)
    expect(Math.abs((await run(vals((x) => x * 1e200))) - 1)).toBeLessThanOrEqual(1e-12)
    expect(await run(vals(() => 0))).toBe(0)
    expect(Math.abs((await run(vals((x) => -x))) + 1)).toBeLessThanOrEqual(1e-12)
  })
})

describe('fast row path', () => {
  it('reads exactly Number(text) for random plain decimals', () => {
    // One image per row with dim 1 and truth 1: the accumulator's scale is then |value| and
    // the sign of its dot the value's sign, so the parsed double can be read back exactly.
    const rand = prng(3)
    const ids = Array.from({ length: 768 }, (_, i) => (i % 2 ? `x_y${i}` : `abc${i}`))
    const lines: string[] = []
    const want: number[] = []
    for (let s = 0; s < ids.length; s++) {
      const digits = Array.from({ length: 1 + Math.floor(rand() * 22) }, () => Math.floor(rand() * 10)).join('')
      const cut = Math.floor(rand() * digits.length)
      const text = (rand() < 0.5 ? '-' : rand() < 0.5 ? '+' : '') + digits.slice(0, cut) + '.' + digits.slice(cut)
      want.push(Number(text))
      lines.push(`${ids[s]}_0,${text}`)
    }
    const store = new RowStore({ ids, dim: 1, truth: new Float32Array(ids.length).fill(1) })
    const out = scanSegment(store, new TextEncoder().encode(lines.join('\n')), 0, 1, 1 << 20)
    expect(out.error).toBeUndefined()
    expect(out.rows).toBe(ids.length)
    want.forEach((w, s) => {
      const got = Math.sign(store.acc[s * 3 + 2]) * store.acc[s * 3]
      expect(got === w || (got === 0 && w === 0), `${lines[s]} → ${got}`).toBe(true)
    })
  })
})
