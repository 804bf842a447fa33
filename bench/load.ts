// Load check of the whole platform on loopback (npm run bench:load).
//
//   npm run bench:load -- [--db postgresql|sqlite] [--uploads 50] [--workers 2] [--images 16000]
//                         [--teams 2000] [--subs 100000] [--readers 200] [--requests 20000]
//                         [--page-readers 10] [--page-requests 400] [--think-ms 1000]
//                         [--bomb-mb 2048] [--skip-uploads] [--skip-board] [--skip-abuse]
//
// Starts everything itself: a temp data folder, a fresh PostgreSQL database (or SQLite file),
// BullMQ on the local Redis under a unique key prefix, `arena serve` (production build, no
// in-process worker) and `--workers` separate `arena worker` processes. Seeds through the services
// and the database directly, then measures
//   (a) `--uploads` teams uploading the same full-size submission (16,000 images × 384 rows,
//       ~167 MB) at once as raw-body streams through the HTTP API: every one accepted, scored
//       exactly once with the expected score, one job each;
//   (b) the public leaderboard of a competition with `--teams` teams and `--subs` scored
//       submissions under `--readers` concurrent keep-alive readers (JSON API), then the HTML page
//       at lower concurrency;
//   (c) abuse (bench/load-abuse.ts): one team submits two looping models and a zip bomb
//       inflating to `--bomb-mb` MiB while 20 other teams submit CSVs: their time to score, and
//       `GET /api/competitions` latency meanwhile (model time cap: ARENA_MODEL_WALL_SECONDS, 60 s
//       here unless set).
// Removes the database, the Redis keys and the temp folder at the end; exits 1 when a submission
// was lost, failed, scored twice or scored wrong, or a request failed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, readFileSync } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { gunzipSync } from 'node:zlib'
import { Redis } from 'ioredis'
import pg from 'pg'

// ---------------------------------------------------------------------------------------------
// options

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`)
}
function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return dflt
  const n = Number(process.argv[i + 1])
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a non-negative integer`)
  return n
}
function argText(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? dflt : (process.argv[i + 1] ?? dflt)
}

const DB_KIND = argText('db', 'postgresql')
if (DB_KIND !== 'postgresql' && DB_KIND !== 'sqlite') throw new Error('--db must be postgresql or sqlite')
const UPLOADS = arg('uploads', 50)
const WORKERS = Math.max(1, arg('workers', 2))
const IMAGES = arg('images', 16_000)
const TEAMS = arg('teams', 2_000)
const SUBS = arg('subs', 100_000)
const READERS = arg('readers', 200)
const REQUESTS = arg('requests', 20_000)
const PAGE_READERS = arg('page-readers', 10)
const PAGE_REQUESTS = arg('page-requests', 400)
/** Paced run: each reader pauses about this long between requests (a browser refreshing). */
const THINK_MS = arg('think-ms', 1_000)
const BOMB_MIB = arg('bomb-mb', 2048)
const DIM = 384
const ROOT = path.resolve(import.meta.dirname, '..')
const PG_ADMIN_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres'
const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'
/** Longest wait for all uploads to be scored. */
const SCORE_TIMEOUT_MS = 20 * 60_000

const problems: string[] = []
const report: string[] = []
const out = (line = '') => {
  console.log(line)
  report.push(line)
}
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')
const mb = (bytes: number) => bytes / (1024 * 1024)
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

// ---------------------------------------------------------------------------------------------
// environment: temp folder, database, Redis prefix; the services read these settings

const tag = randomBytes(5).toString('hex')
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'arena-bench-load-'))
const prefix = `arena-load-${tag}`
const pgName = `arena_load_${tag}`
const pgUrl = (database: string) => {
  const u = new URL(PG_ADMIN_URL)
  u.pathname = `/${database}`
  return u.toString()
}
async function pgAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl('postgres') })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}
const databaseUrl = DB_KIND === 'postgresql' ? pgUrl(pgName) : `file:${path.join(dataDir, 'arena.db')}`
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  ARENA_ROOT: ROOT,
  ARENA_DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl,
  REDIS_URL,
  ARENA_REDIS_PREFIX: prefix,
  ARENA_DEMO: '0',
  ARENA_INPROCESS_WORKERS: '0',
  HOST: '127.0.0.1',
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
  // Scenario (c)'s looping models are stopped by this cap.
  ARENA_MODEL_WALL_SECONDS: process.env.ARENA_MODEL_WALL_SECONDS ?? '60',
}
for (const k of ['ARENA_DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'ARENA_REDIS_PREFIX', 'ARENA_DEMO', 'ARENA_INPROCESS_WORKERS'] as const) process.env[k] = childEnv[k]

const children: ChildProcess[] = []
let dbCreated = false

async function cleanup(): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM')
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)))
  try {
    const { closeDb } = await import('../lib/platform/db.ts')
    await closeDb()
  } catch {
    // not opened
  }
  if (dbCreated && DB_KIND === 'postgresql') await pgAdmin(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`).catch((e: unknown) => console.error(`could not drop ${pgName}: ${String(e)}`))
  const redis = new Redis(REDIS_URL)
  try {
    let removed = 0
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
      const keys = batch as string[]
      if (keys.length > 0) removed += await redis.del(...keys)
    }
    console.log(`cleanup: removed ${removed} Redis key(s) under ${prefix}:, ${DB_KIND === 'postgresql' ? `dropped ${pgName}, ` : ''}removed ${dataDir}`)
  } finally {
    redis.disconnect()
  }
  await rm(dataDir, { recursive: true, force: true })
}

let interrupted = false
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true
    console.error(`${sig}: cleaning up`)
    void cleanup().finally(() => process.exit(130))
  })
}

// ---------------------------------------------------------------------------------------------
// helpers: processes, HTTP

/** Peak and current resident set of a process, from /proc (Linux). */
function rssOf(pid: number | undefined): { peakMiB: number; nowMiB: number } | undefined {
  if (pid === undefined) return undefined
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN)
    return { peakMiB: kb('VmHWM') / 1024, nowMiB: kb('VmRSS') / 1024 }
  } catch {
    return undefined
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))))
    })
  })
}

function startChild(name: string, args: string[], onLine?: (line: string) => void): ChildProcess {
  const child = spawn(process.execPath, ['bin/arena.js', ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  const lines = (buf: Buffer, err: boolean) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line) continue
      onLine?.(line)
      if (err) console.error(`[${name}] ${line}`)
    }
  }
  child.stdout?.on('data', (b: Buffer) => lines(b, false))
  child.stderr?.on('data', (b: Buffer) => lines(b, true))
  child.once('exit', (code, signal) => {
    if (!interrupted && !stopping) console.error(`[${name}] exited early (code ${code}, signal ${signal})`)
  })
  return child
}
let stopping = false

interface Timed {
  status: number
  ms: number
  bytes: number
  body: string
  raw?: Buffer
}

/** One request; the body is read fully (kept only when `keep`). Latency = time to the last byte. */
function request(agent: http.Agent, port: number, method: string, pathAndQuery: string, options: { headers?: Record<string, string>; body?: () => NodeJS.ReadableStream; keep?: boolean; keepRaw?: boolean } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const req = http.request({ host: '127.0.0.1', port, method, path: pathAndQuery, agent, headers: options.headers }, (res) => {
      const chunks: Buffer[] = []
      let bytes = 0
      res.on('data', (c: Buffer) => {
        bytes += c.length
        if (options.keep || options.keepRaw) chunks.push(c)
      })
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - start, bytes, body: options.keep ? Buffer.concat(chunks).toString('utf8') : '', raw: options.keepRaw ? Buffer.concat(chunks) : undefined }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    if (options.body) options.body().pipe(req)
    else req.end()
  })
}

function quantiles(xs: number[]): { p50: number; p90: number; p99: number; max: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length }
}

/** `total` GETs of `url` by `concurrency` closed-loop readers over one keep-alive agent, each pausing about `thinkMs` between requests. */
async function readers(port: number, url: string, concurrency: number, total: number, headers: Record<string, string> = {}, thinkMs = 0): Promise<{ ms: number[]; wallMs: number; bytes: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
  const ms: number[] = []
  let next = 0
  let errors = 0
  let bytes = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      // Paced readers arrive spread over one pause rather than all in the same millisecond.
      if (thinkMs > 0) await sleep(thinkMs * Math.random())
      while (next < total) {
        next++
        try {
          const r = await request(agent, port, 'GET', url, { headers })
          if (r.status !== 200) errors++
          bytes += r.bytes
          ms.push(r.ms)
        } catch {
          errors++
        }
        if (thinkMs > 0) await sleep(thinkMs * (0.5 + Math.random()))
      }
    }),
  )
  const wallMs = performance.now() - started
  agent.destroy()
  return { ms, wallMs, bytes, errors }
}

function latencyLine(r: { ms: number[]; wallMs: number; bytes: number; errors: number }): string {
  const q = quantiles(r.ms)
  return `p50 ${q.p50.toFixed(1)} ms, p90 ${q.p90.toFixed(1)} ms, p99 ${q.p99.toFixed(1)} ms, max ${q.max.toFixed(1)} ms; ${((r.ms.length / r.wallMs) * 1000).toFixed(0)} req/s; ${r.ms.length} requests, ${r.errors} errors, ${(mb(r.bytes) / r.ms.length * 1024).toFixed(0)} KiB each`
}

// ---------------------------------------------------------------------------------------------
// the run

let exitCode = 0
try {
  if (DB_KIND === 'postgresql') {
    await pgAdmin(`CREATE DATABASE ${pgName}`)
    dbCreated = true
  }
  const { applyMigrations } = await import('../lib/platform/migrate.ts')
  const { db } = await import('../lib/platform/db.ts')
  const { storage } = await import('../lib/platform/storage.ts')
  const { createApiToken } = await import('../lib/accounts/auth.ts')
  const { joinCompetition } = await import('../lib/teams/teams.ts')
  const { testSetKeys } = await import('../lib/testsets/keys.ts')
  const { buildTruth } = await import('../scoring/truth.ts')
  const { encodeTruth } = await import('../scoring/truth-file.ts')
  const { seededRandom } = await import('../scoring/random.ts')
  await applyMigrations({ url: databaseUrl })

  out(`# Load check (\`npm run bench:load\`)`)
  out()
  out(`${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${DB_KIND}, BullMQ on ${REDIS_URL}, ${WORKERS} \`arena worker\` process(es), \`arena serve\` (production build) on 127.0.0.1; load average at start ${load()}`)

  // Production build (rebuilt only when sources are newer), then the server and the workers.
  execFileSync(process.execPath, ['scripts/prepare.js'], { cwd: ROOT, stdio: 'inherit', env: { ...childEnv, NODE_ENV: 'production', ARENA_SKIP_MODELS: '1' } })
  const port = await freePort()
  const server = startChild('serve', ['serve', '--port', String(port)])
  const workers = Array.from({ length: WORKERS }, (_, i) => startChild(`worker${i + 1}`, ['worker', '--concurrency', '1']))
  for (let i = 0; ; i++) {
    try {
      const r = await request(new http.Agent(), port, 'GET', '/api/health')
      if (r.status === 200) break
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error('the server did not start within 2 minutes')
    await sleep(200)
  }
  const now = Date.now()

  // ----------------------------------------------------------------------------------------
  // (a) concurrent full-size uploads
  if (!flag('skip-uploads') && UPLOADS > 0) {
    const t0 = performance.now()
    const rand = seededRandom(20_240_901)
    const ids = Array.from({ length: IMAGES }, (_, i) => (0x10000000 + i * 7919).toString(16).padStart(9, '0'))
    const vectors = new Float32Array(IMAGES * DIM)
    for (let i = 0; i < IMAGES; i++) {
      let norm = 0
      for (let k = 0; k < DIM; k++) {
        const v = rand() * 2 - 1
        vectors[i * DIM + k] = v
        norm += v * v
      }
      for (let k = 0; k < DIM; k++) vectors[i * DIM + k] /= Math.sqrt(norm)
    }
    const publicCount = Math.round(IMAGES * 0.25)
    const truth = buildTruth(ids, vectors, DIM, { publicIds: ids.slice(0, publicCount) })
    const competition = await db().competition.create({
      data: { slug: `load-uploads-${tag}`, title: 'Load: uploads', startAt: new Date(now - 86_400_000), deadline: new Date(now + 30 * 86_400_000), dailySubmissionLimit: 100, publicFraction: publicCount / IMAGES },
    })
    const version = await db().testSetVersion.create({
      data: { competitionId: competition.id, version: 1, status: 'ready', imageCount: IMAGES, publicCount, dim: DIM, seed: 1, publicFraction: publicCount / IMAGES },
    })
    const truthKey = testSetKeys.truth(version.id)
    await storage().put(truthKey, encodeTruth(truth))
    for (let i = 0; i < IMAGES; i += 2_000) {
      await db().testImage.createMany({
        data: ids.slice(i, i + 2_000).map((imageId, j) => ({ testSetId: version.id, imageId, position: i + j, isPublic: i + j < publicCount, fileKey: `${testSetKeys.images(version.id)}${imageId}.png` })),
      })
    }
    await db().testSetVersion.update({ where: { id: version.id }, data: { truthKey } })
    await db().competition.update({ where: { id: competition.id }, data: { activeTestSetId: version.id } })

    // 50 participants, each with an API token and a team of one (through the services).
    await db().user.createMany({ data: Array.from({ length: UPLOADS }, (_, i) => ({ id: `load-${tag}-u${i}`, email: `u${i}-${tag}@load.test`, name: `Uploader ${i}`, passwordHash: 'x' })) })
    const users = await db().user.findMany({ where: { email: { endsWith: `-${tag}@load.test` } }, orderBy: { email: 'asc' } })
    const tokens: string[] = []
    for (const u of users) {
      tokens.push((await createApiToken(u.id, 'load')).token)
      await joinCompetition(u, competition)
    }

    // The submission: truth plus noise, printed like a pandas CSV; the expected scores are
    // computed from the printed values.
    const csvPath = path.join(dataDir, 'submission.csv')
    const file = createWriteStream(csvPath)
    let pubSum = 0
    let privSum = 0
    let allSum = 0
    const noise = seededRandom(99)
    const write = (s: string) => (file.write(s) ? Promise.resolve() : new Promise<void>((r) => file.once('drain', () => r())))
    await write('imgId_eId,val\n')
    for (let i = 0; i < IMAGES; i++) {
      const lines: string[] = []
      let dot = 0
      let pp = 0
      let tt = 0
      for (let k = 0; k < DIM; k++) {
        const t = vectors[i * DIM + k]
        const printed = (0.8 * t + 0.06 * (noise() * 2 - 1)).toFixed(9)
        const p = Number(printed)
        dot += p * t
        pp += p * p
        tt += t * t
        lines.push(`${ids[i]}_${k},${printed}\n`)
      }
      const cos = dot / Math.sqrt(pp * tt)
      if (i < publicCount) pubSum += cos
      else privSum += cos
      allSum += cos
      await write(lines.join(''))
    }
    await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())))
    const expected = { publicScore: pubSum / publicCount, privateScore: privSum / (IMAGES - publicCount), score: allSum / IMAGES }
    const size = (await stat(csvPath)).size
    console.log(`seeded ${IMAGES} images, ${UPLOADS} teams; wrote a ${mb(size).toFixed(1)} MiB submission in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

    // All uploads at once, each a raw-body stream from the file.
    const agent = new http.Agent({ keepAlive: true, maxSockets: UPLOADS })
    const loadBefore = load()
    const started = performance.now()
    const uploads = await Promise.all(
      tokens.map((token, i) =>
        request(agent, port, 'POST', `/api/competitions/${competition.slug}/submissions?filename=submission.csv&description=load-${i}`, {
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(size) },
          body: () => createReadStream(csvPath, { highWaterMark: 1 << 20 }),
          keep: true,
        }).catch((err: unknown) => ({ status: 0, ms: performance.now() - started, bytes: 0, body: String(err) })),
      ),
    )
    const uploadWall = performance.now() - started
    agent.destroy()
    const accepted = uploads.filter((u) => u.status === 201)
    for (const [i, u] of uploads.entries()) if (u.status !== 201) problems.push(`upload ${i}: HTTP ${u.status} ${u.body.slice(0, 200)}`)
    const ids201 = accepted.map((u) => (JSON.parse(u.body) as { submission: { id: string } }).submission.id)
    const uq = quantiles(uploads.map((u) => u.ms))

    // Until every submission is scored (or failed), sampling the workers' memory.
    const peak = new Map<number, number>()
    const sample = () => {
      for (const w of workers) {
        const r = rssOf(w.pid)
        if (r && w.pid !== undefined) peak.set(w.pid, Math.max(peak.get(w.pid) ?? 0, r.peakMiB))
      }
    }
    const deadline = Date.now() + SCORE_TIMEOUT_MS
    for (;;) {
      sample()
      const pending = await db().submission.count({ where: { competitionId: competition.id, status: { notIn: ['scored', 'failed'] } } })
      if (pending === 0) break
      if (Date.now() > deadline) {
        problems.push(`${pending} submission(s) not scored after ${SCORE_TIMEOUT_MS / 60_000} min`)
        break
      }
      await sleep(250)
    }
    const allScoredMs = performance.now() - started
    sample()
    const loadAfter = load()

    // Checks: none lost, none failed, right score, exactly one score row and one job each.
    const subs = await db().submission.findMany({ where: { competitionId: competition.id } })
    const jobs = await db().job.findMany({ where: { competitionId: competition.id } })
    const scoreRows = await db().submissionScore.groupBy({ by: ['submissionId'], where: { submission: { competitionId: competition.id } }, _count: { _all: true } })
    if (subs.length !== UPLOADS) problems.push(`${subs.length} submission rows for ${UPLOADS} uploads`)
    for (const id of ids201) if (!subs.some((s) => s.id === id)) problems.push(`submission ${id} accepted but missing`)
    for (const s of subs) {
      if (s.status !== 'scored') problems.push(`submission ${s.id}: ${s.status}${s.error ? ` (${s.error})` : ''}`)
      else {
        for (const k of ['publicScore', 'privateScore', 'score'] as const) {
          const v = s[k]
          if (v === null || Math.abs(v - expected[k]) > 1e-5) problems.push(`submission ${s.id}: ${k} ${v}, expected ${expected[k].toFixed(6)}`)
        }
      }
    }
    const dupScores = scoreRows.filter((r) => r._count._all !== 1)
    if (dupScores.length > 0) problems.push(`${dupScores.length} submission(s) with more than one SubmissionScore row`)
    if (scoreRows.length !== subs.filter((s) => s.status === 'scored').length) problems.push(`${scoreRows.length} SubmissionScore rows for ${subs.length} submissions`)
    if (jobs.length !== subs.length) problems.push(`${jobs.length} jobs for ${subs.length} submissions`)
    const jobAttempts = jobs.reduce((a, j) => a + j.attempts, 0)
    const scoringMs = jobs.filter((j) => j.startedAt && j.finishedAt).map((j) => j.finishedAt!.getTime() - j.startedAt!.getTime())
    const sq = scoringMs.length > 0 ? quantiles(scoringMs) : undefined
    const firstStart = Math.min(...jobs.map((j) => j.startedAt?.getTime() ?? Infinity))
    const lastEnd = Math.max(...jobs.map((j) => j.finishedAt?.getTime() ?? 0))

    out()
    out(`## (a) ${UPLOADS} concurrent full-size uploads`)
    out()
    out(`${IMAGES.toLocaleString('en')} images × ${DIM} = ${(IMAGES * DIM).toLocaleString('en')} rows, ${mb(size).toFixed(1)} MiB CSV per upload, ${UPLOADS} teams uploading it at once as raw-body streams (\`POST /api/competitions/:slug/submissions\`, Bearer token); load average before ${loadBefore}, after ${loadAfter}.`)
    out()
    out(`| measure | value |`)
    out(`|---|---|`)
    out(`| accepted (201) | ${accepted.length} / ${UPLOADS} |`)
    out(`| all uploads done | ${(uploadWall / 1000).toFixed(1)} s, ${(mb(size * accepted.length) / (uploadWall / 1000)).toFixed(0)} MiB/s in total (${((mb(size) / (uq.mean / 1000))).toFixed(1)} MiB/s per stream, mean) |`)
    out(`| one upload (request time) | p50 ${(uq.p50 / 1000).toFixed(1)} s, max ${(uq.max / 1000).toFixed(1)} s |`)
    out(`| first upload start → all scored | ${(allScoredMs / 1000).toFixed(1)} s |`)
    out(`| first job start → last job end | ${Number.isFinite(firstStart) ? ((lastEnd - firstStart) / 1000).toFixed(1) : '-'} s on ${WORKERS} worker process(es) |`)
    out(`| scoring time per submission (job start → end) | ${sq ? `p50 ${(sq.p50 / 1000).toFixed(2)} s, p90 ${(sq.p90 / 1000).toFixed(2)} s, max ${(sq.max / 1000).toFixed(2)} s` : '-'} |`)
    out(`| scored / failed / other | ${subs.filter((s) => s.status === 'scored').length} / ${subs.filter((s) => s.status === 'failed').length} / ${subs.filter((s) => s.status !== 'scored' && s.status !== 'failed').length} |`)
    out(`| public score (expected ${expected.publicScore.toFixed(6)}) | ${[...new Set(subs.map((s) => s.publicScore?.toFixed(6)))].join(', ')} |`)
    out(`| jobs / submissions / SubmissionScore rows / job attempts | ${jobs.length} / ${subs.length} / ${scoreRows.length} / ${jobAttempts} |`)
    out(`| worker peak RSS (VmHWM) | ${[...peak.values()].map((v) => `${v.toFixed(0)} MiB`).join(', ') || 'n/a'} |`)
    out(`| server peak RSS (VmHWM) | ${rssOf(server.pid)?.peakMiB.toFixed(0) ?? 'n/a'} MiB |`)
    await rm(csvPath, { force: true })
  }

  // ----------------------------------------------------------------------------------------
  // (b) the public leaderboard under many concurrent readers
  if (!flag('skip-board') && TEAMS > 0) {
    const t0 = performance.now()
    const competition = await db().competition.create({
      data: { slug: `load-board-${tag}`, title: 'Load: leaderboard', startAt: new Date(now - 30 * 86_400_000), deadline: new Date(now + 30 * 86_400_000) },
    })
    const rand = seededRandom(4242)
    const uid = (i: number) => `lb-${tag}-u${i}`
    const tid = (i: number) => `lb-${tag}-t${i}`
    const batch = async <T>(rows: T[], size: number, insert: (rows: T[]) => Promise<unknown>) => {
      for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
    }
    await batch(
      Array.from({ length: TEAMS }, (_, i) => ({ id: uid(i), email: `lb${i}-${tag}@load.test`, name: `Reader ${i}`, passwordHash: 'x' })),
      2_000,
      (data) => db().user.createMany({ data }),
    )
    await batch(
      Array.from({ length: TEAMS }, (_, i) => ({ id: tid(i), competitionId: competition.id, name: `Team ${i}`, inviteCode: `lb-${tag}-${i}` })),
      2_000,
      (data) => db().team.createMany({ data }),
    )
    await batch(
      Array.from({ length: TEAMS }, (_, i) => ({ teamId: tid(i), userId: uid(i), competitionId: competition.id })),
      2_000,
      (data) => db().teamMember.createMany({ data }),
    )
    const subs = Array.from({ length: SUBS }, (_, n) => {
      const i = n % TEAMS
      return {
        competitionId: competition.id,
        teamId: tid(i),
        userId: uid(i),
        kind: 'csv' as const,
        fileKey: `x/${n}`,
        fileName: 'submission.csv',
        fileSize: 167_000_000,
        status: 'scored' as const,
        publicScore: 0.3 + 0.4 * rand(),
        privateScore: 0.3 + 0.4 * rand(),
        score: 0.5,
        createdAt: new Date(now - 29 * 86_400_000 + Math.floor(rand() * 29 * 86_400_000)),
      }
    })
    await batch(subs, 2_000, (data) => db().submission.createMany({ data }))
    if (DB_KIND === 'postgresql') await db().$executeRawUnsafe('ANALYZE')
    console.log(`seeded ${TEAMS} teams, ${SUBS} scored submissions in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

    const api = `/api/competitions/${competition.slug}/leaderboard`
    const page = `/competitions/${competition.slug}/leaderboard`
    // The first request loads the route's modules and builds the board.
    const first = await request(new http.Agent(), port, 'GET', api, { keep: true })
    const rows = (JSON.parse(first.body) as { leaderboard: { rows: unknown[] } }).leaderboard.rows.length
    if (rows !== TEAMS) problems.push(`leaderboard has ${rows} rows, expected ${TEAMS}`)
    const firstPage = await request(new http.Agent(), port, 'GET', page)
    const zipped = await request(new http.Agent(), port, 'GET', api, { headers: { 'accept-encoding': 'gzip' }, keepRaw: true })
    try {
      const zrows = (JSON.parse(gunzipSync(zipped.raw ?? Buffer.alloc(0)).toString('utf8')) as { leaderboard: { rows: unknown[] } }).leaderboard.rows.length
      if (zrows !== TEAMS) problems.push(`gzip leaderboard has ${zrows} rows, expected ${TEAMS}`)
    } catch (err) {
      problems.push(`gzip leaderboard is not gzip-compressed JSON: ${String(err)}`)
    }

    const loadBefore = load()
    const json = await readers(port, api, READERS, REQUESTS)
    const loadJson = load()
    const gz = await readers(port, api, READERS, Math.ceil(REQUESTS / 4), { 'accept-encoding': 'gzip' })
    const loadGz = load()
    const paced = await readers(port, api, READERS, Math.ceil(REQUESTS / 4), { 'accept-encoding': 'gzip' }, THINK_MS)
    const loadPaced = load()
    const html = await readers(port, page, PAGE_READERS, PAGE_REQUESTS)
    const loadHtml = load()
    for (const [what, r] of [['JSON', json], ['JSON gzip', gz], ['JSON paced', paced], ['HTML', html]] as const) if (r.errors > 0) problems.push(`leaderboard ${what}: ${r.errors} failed request(s)`)
    const p99 = quantiles(json.ms).p99

    out()
    out(`## (b) public leaderboard: ${TEAMS.toLocaleString('en')} teams, ${SUBS.toLocaleString('en')} scored submissions`)
    out()
    out(`Closed-loop readers over keep-alive connections (\`http.Agent({ keepAlive: true, maxSockets })\`); latency = request sent → last byte received. The service caches a board for 5 s, so every run crosses several expiries. Load average before ${loadBefore}.`)
    out()
    out(`| request | readers | result | load avg after |`)
    out(`|---|---|---|---|`)
    out(`| first JSON request (cold) | 1 | ${first.ms.toFixed(1)} ms, ${(first.bytes / 1024).toFixed(0)} KiB | |`)
    out(`| first HTML page request (cold) | 1 | ${firstPage.ms.toFixed(1)} ms, ${(firstPage.bytes / 1024).toFixed(0)} KiB | |`)
    out(`| \`GET ${'/api/competitions/:slug/leaderboard'}\` | ${READERS} | ${latencyLine(json)} | ${loadJson} |`)
    out(`| same, \`accept-encoding: gzip\` | ${READERS} | ${latencyLine(gz)} | ${loadGz} |`)
    out(`| same, gzip, each reader pausing ${THINK_MS / 2}–${(THINK_MS * 3) / 2} ms between requests | ${READERS} | ${latencyLine(paced)} | ${loadPaced} |`)
    out(`| \`GET /competitions/:slug/leaderboard\` (HTML, 100 rows a page) | ${PAGE_READERS} | ${latencyLine(html)} | ${loadHtml} |`)
    out()
    out(p99 <= 50 ? `JSON p99 ${p99.toFixed(1)} ms: within the 50 ms target.` : `JSON p99 ${p99.toFixed(1)} ms: MISSES the 50 ms target.`)
    out(`Server peak RSS (VmHWM): ${rssOf(server.pid)?.peakMiB.toFixed(0) ?? 'n/a'} MiB.`)
  }

  // ----------------------------------------------------------------------------------------
  // (c) abuse: a looping model and a zip bomb from one team while 20 teams submit CSVs
  if (!flag('skip-abuse')) {
    const { runAbuse } = await import('./load-abuse.ts')
    await runAbuse({
      port,
      tag,
      bombMiB: BOMB_MIB,
      modelWallSeconds: childEnv.ARENA_MODEL_WALL_SECONDS ?? '1800',
      out,
      problems,
      workerPeaks: () => workers.map((w) => `${rssOf(w.pid)?.peakMiB.toFixed(0) ?? 'n/a'} MiB`).join(', '),
    })
  }

  out()
  if (problems.length > 0) {
    exitCode = 1
    out(`## Problems (${problems.length})`)
    out()
    for (const p of problems.slice(0, 50)) out(`- ${p}`)
  } else out('No submission lost, failed, scored twice or scored wrong; no request failed.')
} catch (err) {
  exitCode = 1
  console.error(err)
} finally {
  stopping = true
  if (!interrupted) await cleanup()
}
process.exit(exitCode)
