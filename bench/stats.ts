// Scores with their uncertainty at full size: 2,000 teams on 16,000 images (target: the leaderboard
// statistics and the shake-up forecast together in ≤ 2 s).
//
//   npx tsx bench/stats.ts [--teams 2000] [--images 16000] [--public 0.3] [--selections 1] [--splits 1000] [--repeat 3]
//
// Synthetic per-image scores (seeded), stored as float32 as a batch job would hold them: image i
// has a difficulty dᵢ ~ N(0, 0.12), team t a skill μ_t (most teams bunched, a few far ahead) and
// its own noise ~ N(0, 0.05) per image, clamped to [−1, 1]. Timed: leaderboardStatistics over the
// public images (intervals + adjacent paired tests), forecastShakeUp (1,000 block splits).
// Anchors from the same run: one plain pass summing every value, and the exact simulation
// (exactShakeUp, every image of every selection per split) on a few splits, extrapolated to the
// forecast's split count. Also: the block forecast against the exact one on a subset, and the
// per-image sd behind DEFAULT_PER_IMAGE_SD, measured on ../shared/data/kaggle-sample.
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { seededRandom } from '../scoring/random.ts'
import { readTruthCsv } from '../scoring/truth-csv.ts'
import {
  DEFAULT_PER_IMAGE_SD,
  exactShakeUp,
  forecastIntervalWidth,
  forecastShakeUp,
  leaderboardStatistics,
  meanPriorPerImageScores,
  scoreInterval,
  type ShakeUpTeam,
} from '../scoring/stats/index.ts'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const TEAMS = arg('teams', 2000)
const IMAGES = arg('images', 16000)
const PUBLIC = arg('public', 0.3)
const SELECTIONS = arg('selections', 1)
const SPLITS = arg('splits', 1000)
const REPEAT = arg('repeat', 3)
const MiB = 1024 * 1024

let peakRss = process.memoryUsage().rss
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}
/**
 * [result, wall ms, CPU ms], the fastest of `repeat` runs: the CPU time shows the work when other
 * processes share the cores, and the minimum is the run they disturbed least.
 */
const time = <T>(f: () => T, repeat = 1): [T, number, number] => {
  let best: [T, number, number] | undefined
  for (let k = 0; k < repeat; k++) {
    sampleRss()
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    const r = f()
    const ms = performance.now() - t0
    const c = process.cpuUsage(c0)
    sampleRss()
    if (!best || ms < best[1]) best = [r, ms, (c.user + c.system) / 1000]
  }
  return best!
}

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
}

function synthetic(teams: number, images: number, selections: number, seed: number): { teams: ShakeUpTeam[]; isPublic: Uint8Array } {
  const rand = seededRandom(seed)
  const g = gaussian(rand)
  const difficulty = Float64Array.from({ length: images }, () => 0.12 * g())
  const isPublic = new Uint8Array(images)
  for (let i = 0; i < images; i++) isPublic[i] = rand() < PUBLIC ? 1 : 0
  const out: ShakeUpTeam[] = []
  for (let t = 0; t < teams; t++) {
    // Skill: a long tail of teams bunched around 0.45, the top ones up to ~0.6.
    const skill = 0.45 + 0.15 * Math.pow(1 - (t + 0.5) / teams, 8)
    const sels: Float32Array[] = []
    for (let s = 0; s < selections; s++) {
      const x = new Float32Array(images)
      const bias = 0.002 * g()
      for (let i = 0; i < images; i++) x[i] = Math.max(-1, Math.min(1, skill + bias + difficulty[i] + 0.05 * g()))
      sels.push(x)
    }
    out.push({ selections: sels })
  }
  return { teams: out, isPublic }
}

const rssBase = process.memoryUsage().rss
const t0 = performance.now()
const data = synthetic(TEAMS, IMAGES, SELECTIONS, 42)
const genMs = performance.now() - t0
sampleRss()
const rssData = process.memoryUsage().rss
console.log(
  `data: ${TEAMS} teams × ${SELECTIONS} selection(s) × ${IMAGES} images (float32, ${((TEAMS * SELECTIONS * IMAGES * 4) / MiB).toFixed(0)} MiB), ` +
    `public fraction ${PUBLIC}, generated in ${(genMs / 1000).toFixed(1)} s`,
)

// Anchor 1: one plain pass over every value.
const loadBefore = os.loadavg()[0]
const [, passMs, passCpu] = time(() => {
  let s = 0
  for (const t of data.teams) for (const x of t.selections) for (let i = 0; i < x.length; i++) s += x[i]
  return s
}, REPEAT)

// The public board: each team's best public selection, ranked by public score (the database's
// work; not timed).
const publicMean = (x: Float32Array | Float64Array | readonly number[]) => {
  let s = 0
  let n = 0
  for (let i = 0; i < x.length; i++) {
    if (!data.isPublic[i]) continue
    s += x[i]
    n++
  }
  return s / n
}
const best = data.teams.map((t) => t.selections.reduce((a, b) => (publicMean(b) > publicMean(a) ? b : a)))
const ranked = best.map((x) => ({ x, m: publicMean(x) })).sort((a, b) => b.m - a.m)
const rows = ranked.map((r) => r.x)

const [board, boardMs, boardCpu] = time(() => leaderboardStatistics(rows, { mask: data.isPublic }), REPEAT)
const ties = board.filter((r) => r.tiedWithPrevious).length
const groups = board[board.length - 1].tieGroup + 1
const [forecast, forecastMs, forecastCpu] = time(() => forecastShakeUp(data.teams, { publicFraction: PUBLIC, splits: SPLITS, seed: 7 }), REPEAT)

// Anchor 2: the exact simulation on a few splits, per split × SPLITS.
const EXACT_SPLITS = 3
const [, exactMs, exactCpu] = time(() => exactShakeUp(data.teams, { publicFraction: PUBLIC, splits: EXACT_SPLITS, seed: 7 }))
const exactFullMs = (exactMs / EXACT_SPLITS) * SPLITS
const peakTotal = Math.max(peakRss, process.resourceUsage().maxRSS * 1024)

const exactFullCpu = (exactCpu / EXACT_SPLITS) * SPLITS
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)
const rowOf = (step: string, wall: number, cpu: number, est = '') =>
  `| ${step} | ${fmt(wall)}${est} | ${fmt(cpu)}${est} | ${(wall / passMs).toFixed(1)}× | ${(cpu / passCpu).toFixed(1)}× |`
console.log(`\nfastest of ${REPEAT} runs; load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after (${os.cpus().length} cores)`)
console.log('\n| step | wall | CPU | wall ÷ one pass | CPU ÷ one pass |')
console.log('| --- | --- | --- | --- | --- |')
console.log(rowOf(`anchor: one pass summing all ${((TEAMS * SELECTIONS * IMAGES) / 1e6).toFixed(0)} M values`, passMs, passCpu))
console.log(rowOf(`leaderboardStatistics (intervals + ${TEAMS - 1} paired tests, public images)`, boardMs, boardCpu))
console.log(rowOf(`forecastShakeUp (${SPLITS} splits, ${forecast.blocks} blocks × ${forecast.partitions} dealings of ${forecast.fineBlocks} fine blocks)`, forecastMs, forecastCpu))
console.log(rowOf('**both**', boardMs + forecastMs, boardCpu + forecastCpu))
console.log(rowOf(`anchor: exact simulation, ${EXACT_SPLITS} splits measured, × ${Math.round(SPLITS / EXACT_SPLITS)}`, exactFullMs, exactFullCpu, ' (est.)'))
console.log(
  `\npeak RSS ${(peakTotal / MiB).toFixed(0)} MiB (${(rssBase / MiB).toFixed(0)} MiB before the data, ${(rssData / MiB).toFixed(0)} MiB with it: ` +
    `the statistics add ≤ ${((peakTotal - rssData) / MiB).toFixed(0)} MiB over the input)`,
)
console.log(`board: ${ties} rows tied with the row above, ${groups} tie groups; top row ${board[0].mean.toFixed(5)} ± ${board[0].halfWidth?.toFixed(5)}`)
console.log(
  `forecast: Spearman ρ mean ${forecast.spearman.mean.toFixed(4)} (5–95 %: ${forecast.spearman.p05.toFixed(4)}–${forecast.spearman.p95.toFixed(4)}), ` +
    `mean |move| ${forecast.expectedAbsMove.toFixed(1)}; team 1: P(move ≥ 1) ${forecast.perTeam[0].pMoveAtLeast[0].toFixed(3)}`,
)

// Accuracy of the block splits against the exact simulation, on a subset small enough to run
// exactly; a second exact run with another seed shows the Monte Carlo noise alone.
{
  const sub = synthetic(200, 4000, 1, 43)
  const opts = { publicFraction: PUBLIC, splits: 1000 }
  const [exact, eMs] = time(() => exactShakeUp(sub.teams, { ...opts, seed: 11 }))
  const exact2 = exactShakeUp(sub.teams, { ...opts, seed: 12 })
  const [fast, fMs] = time(() => forecastShakeUp(sub.teams, { ...opts, seed: 13 }))
  const worst = (f: typeof exact) => {
    let dp = 0
    let dabs = 0
    for (let t = 0; t < f.teams; t++) {
      dp = Math.max(dp, Math.abs(exact.perTeam[t].pMoveAtLeast[0] - f.perTeam[t].pMoveAtLeast[0]))
      dabs = Math.max(dabs, Math.abs(exact.perTeam[t].expectedAbsMove - f.perTeam[t].expectedAbsMove) / Math.max(1, exact.perTeam[t].expectedAbsMove))
    }
    return `${dp.toFixed(3)} | ${(100 * dabs).toFixed(1)} %`
  }
  console.log(`\nsubset 200 teams × 4,000 images, 1,000 splits each: exact ${fmt(eMs)}, blocks ${fmt(fMs)}`)
  console.log('| | exact (seed 11) | exact (seed 12) | blocks (seed 13) |\n| --- | --- | --- | --- |')
  const cells = (g: (f: typeof exact) => string) => [exact, exact2, fast].map(g).join(' | ')
  console.log(`| Spearman ρ mean | ${cells((f) => f.spearman.mean.toFixed(4))} |`)
  console.log(`| ρ 5 % / 95 % | ${cells((f) => `${f.spearman.p05.toFixed(4)} / ${f.spearman.p95.toFixed(4)}`)} |`)
  console.log(`| mean \\|move\\| | ${cells((f) => f.expectedAbsMove.toFixed(3))} |`)
  console.log(`\n| largest per-team difference from exact (seed 11) | P(\\|move\\| ≥ 1) | E\\|move\\| (relative) |\n| --- | --- | --- |`)
  console.log(`| exact (seed 12): Monte Carlo noise alone | ${worst(exact2)} |`)
  console.log(`| blocks (seed 13) | ${worst(fast)} |`)
}

// The width forecast at import, and where its default σ comes from.
{
  const truthPath = path.resolve(import.meta.dirname, '../../shared/data/kaggle-sample/sample_submission.csv')
  if (existsSync(truthPath)) {
    const read = await readTruthCsv(truthPath)
    if (!read.ok) throw new Error(read.error.message)
    const { truth } = read
    const mp = scoreInterval(meanPriorPerImageScores(truth.vectors, truth.dim))
    console.log(
      `\nkaggle-sample: mean-prompt submission (leave-one-out) over ${truth.ids.length} images: ` +
        `mean ${mp?.mean.toFixed(4)}, per-image sd ${mp?.sd.toFixed(4)} (DEFAULT_PER_IMAGE_SD = ${DEFAULT_PER_IMAGE_SD})`,
    )
  } else console.log(`\n(../shared/data/kaggle-sample missing: DEFAULT_PER_IMAGE_SD = ${DEFAULT_PER_IMAGE_SD} not re-measured)`)
  console.log(`\n| ${IMAGES} images, σ ${DEFAULT_PER_IMAGE_SD} | public images | ± shown | ± vs whole test set | public − private 95 % |`)
  console.log('| --- | --- | --- | --- | --- |')
  for (const f of [0.1, 0.2, 0.3, 0.5]) {
    const w = forecastIntervalWidth({ images: IMAGES, publicFraction: f })
    console.log(`| f = ${f} | ${w.publicImages} | ${w.halfWidth.toFixed(5)} | ${w.halfWidthVsTestSet.toFixed(5)} | ${w.gapHalfWidth.toFixed(5)} |`)
  }
}
