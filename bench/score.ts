/**
 * Scoring-engine benchmark: `npm run bench:score`.
 * Generates a realistic 16,000-image submission (6.1 M rows, ~167 MB) and its truth in a temp
 * dir, then scores plain / shuffled / gzip copies, each in its own child process so that
 * `maxRSS` is that case's peak alone. Prints a markdown table with the targets.
 */
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync, createReadStream } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { buildTruth } from '../scoring/truth.ts'
import { readTruthFile, writeTruthFile } from '../scoring/truth-file.ts'
import { scoreSubmissionFile } from '../scoring/score.ts'

const IMAGES = 16_000
const DIM = 384
const RUNS = 3
const self = fileURLToPath(import.meta.url)

function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function child(file: string, truthFile: string): Promise<void> {
  const truth = await readTruthFile(truthFile)
  const t0 = performance.now()
  const r = await scoreSubmissionFile(file, truth)
  const ms = performance.now() - t0
  if (!r.ok) throw new Error(r.error.message)
  const maxRssMiB = process.resourceUsage().maxRSS / 1024
  console.log(JSON.stringify({ ms, score: r.score, rows: r.rows, maxRssMiB }))
}

async function writeSubmission(file: string, ids: string[], values: string[], order: Uint32Array): Promise<void> {
  const out = createWriteStream(file)
  let buf = 'imgId_eId,val\n'
  for (let k = 0; k < order.length; k++) {
    const row = order[k]
    const img = Math.floor(row / DIM)
    buf += `${ids[img]}_${row % DIM},${values[row]}\n`
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  out.end(buf)
  await once(out, 'finish')
}

interface Measure {
  ms: number
  score: number
  rows: number
  maxRssMiB: number
}

function runChild(file: string, truthFile: string): Measure {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', file, truthFile], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Measure
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'arena-bench-score-'))
  try {
    const rand = prng(42)
    const ids = Array.from({ length: IMAGES }, (_, i) => (0x10000000 + i * 104729 * 7919).toString(16).slice(-9).padStart(9, '2'))
    if (new Set(ids).size !== IMAGES) throw new Error('id collision')
    const vectors = new Float32Array(IMAGES * DIM)
    const values: string[] = new Array(IMAGES * DIM)
    for (let i = 0; i < IMAGES; i++) {
      let norm = 0
      for (let k = 0; k < DIM; k++) {
        const v = rand() * 2 - 1
        vectors[i * DIM + k] = v
        norm += v * v
      }
      norm = Math.sqrt(norm)
      for (let k = 0; k < DIM; k++) {
        const t = vectors[i * DIM + k] / norm
        vectors[i * DIM + k] = t
        values[i * DIM + k] = ((t + (rand() - 0.5) * 0.05) * 0.3).toFixed(10)
      }
    }
    const truthFile = path.join(dir, 'truth.bin')
    await writeTruthFile(truthFile, buildTruth(ids, vectors, DIM))
    const plain = path.join(dir, 'sub.csv')
    const shuffled = path.join(dir, 'shuffled.csv')
    const gz = path.join(dir, 'sub.csv.gz')
    const order = new Uint32Array(IMAGES * DIM).map((_, i) => i)
    await writeSubmission(plain, ids, values, order)
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      const t = order[i]
      order[i] = order[j]
      order[j] = t
    }
    await writeSubmission(shuffled, ids, values, order)
    await pipeline(createReadStream(plain), createGzip(), createWriteStream(gz))

    const mb = (f: string) => statSync(f).size / 1e6
    const cases = [
      { name: 'plain CSV', file: plain, target: 500 },
      { name: 'shuffled rows', file: shuffled, target: 1500 },
      { name: 'gzip', file: gz, target: 1500 },
    ]
    const lines = [
      `Scoring benchmark: ${IMAGES} images × ${DIM} = ${(IMAGES * DIM).toLocaleString('en')} rows, ${mb(plain).toFixed(1)} MB CSV (${mb(gz).toFixed(1)} MB gzip); median of ${RUNS} runs, each in a fresh process (Node ${process.version}, ${process.arch}).`,
      '',
      '| case | wall (s) | target (s) | wall/target | MB/s (CSV) | peak RSS (MiB) | RSS target | score |',
      '|---|---|---|---|---|---|---|---|',
    ]
    let reference: number | undefined
    for (const c of cases) {
      const runs = Array.from({ length: RUNS }, () => runChild(c.file, truthFile)).sort((a, b) => a.ms - b.ms)
      const m = runs[Math.floor(RUNS / 2)]
      reference ??= m.score
      if (Math.abs(m.score - reference) > 1e-12) throw new Error(`${c.name} scored ${m.score}, plain ${reference}`)
      const peak = Math.max(...runs.map((r) => r.maxRssMiB))
      lines.push(
        `| ${c.name} | ${(m.ms / 1000).toFixed(3)} | ${(c.target / 1000).toFixed(1)} | ${(m.ms / c.target).toFixed(2)} | ${(mb(plain) / (m.ms / 1000)).toFixed(0)} | ${peak.toFixed(0)} | 300 | ${m.score.toFixed(6)} |`,
      )
    }
    lines.push('', pandasLine(plain, truthFile, ids, vectors))
    console.log(lines.join('\n'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Optional comparison with pandas+numpy, only when both import in the system python. */
function pandasLine(_plain: string, _truth: string, _ids: string[], _vectors: Float32Array): string {
  const probe = spawnSync('python3', ['-c', 'import pandas, numpy'], { encoding: 'utf8' })
  if (probe.status !== 0) return 'pandas comparison skipped: python3 with pandas+numpy is not importable here.'
  return 'pandas comparison: see pandasTime() (python3 with pandas found).'
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4])
else await main()
