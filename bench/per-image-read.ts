// Reading the per-image scores the leaderboard statistics need: 2,000 best submissions × 16,000
// images on a rebuild (lib/leaderboards/statistics.ts). The binary vector (scores/<sub>/<ts>.f32,
// lib/submissions/per-image.ts) against the CSV it is written beside, both through the one reader
// readPerImageVector, on a sample of the submissions scaled to all of them.
//
//   npx tsx bench/per-image-read.ts [--submissions 2000] [--images 16000] [--sample 200]
//
// Anchor from the same run: plain readBuffer of the same binary files (the I/O alone).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { LocalStorage } from '../lib/platform/storage.ts'
import { perImageKey, perImageVectorKey, readPerImageVector, writePerImageScores } from '../lib/submissions/per-image.ts'
import { seededRandom } from '../scoring/random.ts'
import type { Truth } from '../scoring/truth.ts'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const SUBMISSIONS = arg('submissions', 2000)
const IMAGES = arg('images', 16000)
const SAMPLE = Math.min(SUBMISSIONS, arg('sample', 200))

const dir = mkdtempSync(path.join(os.tmpdir(), 'arena-bench-per-image-'))
const store = new LocalStorage(dir)
;(globalThis as typeof globalThis & { __arenaStorage?: LocalStorage }).__arenaStorage = store

async function main(): Promise<void> {
  const rand = seededRandom(5)
  // writePerImageScores reads only ids and isPublic of the truth.
  const truth = { ids: Array.from({ length: IMAGES }, (_, i) => `img${i}`), dim: 0, vectors: new Float32Array(0), isPublic: new Uint8Array(IMAGES).map((_, i) => (i % 10 < 3 ? 1 : 0)) } as Truth
  const ids = Array.from({ length: SAMPLE }, (_, i) => `sub${i}`)
  for (const id of ids) await writePerImageScores(id, 'ts', truth, Float64Array.from({ length: IMAGES }, () => 0.45 + (rand() - 0.5) * 0.3))

  const time = async (what: string, fn: (id: string) => Promise<unknown>) => {
    let best = Infinity
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now()
      for (const id of ids) await fn(id)
      best = Math.min(best, performance.now() - t0)
    }
    return { what, ms: (best * SUBMISSIONS) / SAMPLE }
  }
  const io = await time('anchor: readBuffer of the binary files', (id) => store.readBuffer(perImageVectorKey(id, 'ts')))
  const binary = await time('readPerImageVector, binary', (id) => readPerImageVector(id, 'ts', perImageKey(id, 'ts')))
  // The CSV fallback writes the binary form it parsed: remove it again before each read.
  const csv = await time('readPerImageVector, CSV fallback (then writes the binary form)', async (id) => {
    await store.delete(perImageVectorKey(id, 'ts'))
    return readPerImageVector(id, 'ts', perImageKey(id, 'ts'))
  })
  console.log(`${SUBMISSIONS} submissions × ${IMAGES} images (measured on ${SAMPLE}, fastest of 3, scaled), load ${os.loadavg()[0].toFixed(1)}`)
  console.log('| read | time | ÷ anchor |')
  console.log('| --- | --- | --- |')
  for (const r of [io, binary, csv]) console.log(`| ${r.what} | ${(r.ms / 1000).toFixed(2)} s | ${(r.ms / io.ms).toFixed(1)}× |`)
  console.log(`binary ${(csv.ms / binary.ms).toFixed(1)}× faster than the CSV`)
}

main().finally(() => rmSync(dir, { recursive: true, force: true }))
