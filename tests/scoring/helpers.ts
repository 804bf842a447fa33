import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { zipSync } from 'fflate'
import { buildTruth, type Truth } from '../../scoring/index.ts'
import { seededRandom } from '../../scoring/random.ts'

export const repoRoot = path.resolve(import.meta.dirname, '../..')
export const sharedDir = path.resolve(repoRoot, '../shared')

/** Seeded PRNG so failures reproduce (the project's one mulberry32). */
export const prng = seededRandom

export function randomTruth(rand: () => number, images: number, dim: number, publicShare = 0.5): Truth {
  const ids = Array.from({ length: images }, (_, i) => `${Math.floor(rand() * 0xfffffff).toString(16)}${i.toString(16)}`.padStart(9, '0'))
  const v = new Float32Array(images * dim)
  for (let i = 0; i < images; i++) {
    let n = 0
    for (let k = 0; k < dim; k++) n += (v[i * dim + k] = rand() * 2 - 1) ** 2
    for (let k = 0; k < dim; k++) v[i * dim + k] /= Math.sqrt(n)
  }
  return buildTruth(ids, v, dim, { publicIds: ids.filter(() => rand() < publicShare) })
}

/** Obviously-correct float64 reference: mean cosine with per-image max-abs scaling. */
export function referenceScores(values: number[], truth: Truth): { score: number; pub: number | null; priv: number | null; per: number[] } {
  const per: number[] = []
  for (let i = 0; i < truth.ids.length; i++) {
    const p = values.slice(i * truth.dim, (i + 1) * truth.dim)
    const t = Array.from(truth.vectors.slice(i * truth.dim, (i + 1) * truth.dim))
    const m = Math.max(...p.map(Math.abs))
    if (m === 0) {
      per.push(0)
      continue
    }
    const q = p.map((x) => x / m)
    const dot = q.reduce((s, x, k) => s + x * t[k], 0)
    const nq = Math.sqrt(q.reduce((s, x) => s + x * x, 0))
    const nt = Math.sqrt(t.reduce((s, x) => s + x * x, 0))
    per.push(dot / (nq * nt))
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)
  return {
    score: mean(per) as number,
    pub: mean(per.filter((_, i) => truth.isPublic[i] === 1)),
    priv: mean(per.filter((_, i) => truth.isPublic[i] === 0)),
    per,
  }
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'arena-scoring-test-'))
}

export function writeTemp(dir: string, name: string, data: string | Uint8Array): string {
  const file = path.join(dir, name)
  writeFileSync(file, data)
  return file
}

export function gz(text: string): Uint8Array {
  return gzipSync(Buffer.from(text))
}

export function zip(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)])))
}

/** Long-format CSV text of `truth`-shaped predictions, rows in truth order. */
export function longCsv(truth: Truth, values: readonly string[]): string {
  const lines = ['imgId_eId,val']
  truth.ids.forEach((id, i) => {
    for (let k = 0; k < truth.dim; k++) lines.push(`${id}_${k},${values[i * truth.dim + k]}`)
  })
  return lines.join('\n') + '\n'
}

/** An AsyncIterable delivering `bytes` in random-size chunks (exercises chunk boundaries). */
export async function* chunked(bytes: Uint8Array, rand: () => number, max = 64): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; ) {
    const n = 1 + Math.floor(rand() * max)
    yield bytes.slice(i, i + n)
    i += n
  }
}
