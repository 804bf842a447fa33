// Scenario (c) of `npm run bench:load` (issue 11): one team abuses the platform while 20 others
// submit. The attacker submits two looping ONNX models (a chain of 400 input-dependent
// 1024×1024 MatMuls per batch, tests/model/onnx-builder.ts) and a zip bomb (a 2 MiB-ish zip whose
// one CSV inflates to `bombMiB`); once those are in, 20 teams each upload a small valid CSV at
// once. Measured: each CSV's time to score (Submission.createdAt → scoredAt), the latency of
// `GET /api/competitions` from 4 paced readers during the whole scenario, what became of the bomb
// and the models, and the workers' peak memory. Targets: CSV p95 < 5 s, API p99 < 200 ms.
import http from 'node:http'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { crc32, createDeflateRaw } from 'node:zlib'
import sharp from 'sharp'
import { poolProjectModel, POOLED, seededFloats } from '../tests/model/onnx-builder.ts'

export interface AbuseContext {
  port: number
  tag: string
  bombMiB: number
  modelWallSeconds: string
  out: (line?: string) => void
  problems: string[]
  /** Peak RSS (MiB) of the worker processes since they started. */
  workerPeaks: () => string
}

const TEAMS = 20
const IMAGES = 8
const DIM = 384
const PUBLIC = 4
const TARGET_P95_MS = 5_000
const TARGET_API_P99_MS = 200
const MANIFEST = { inputName: 'image', outputName: 'emb', imageSize: 32, resize: 'center-crop', mean: [0.48, 0.46, 0.41], std: [0.27, 0.26, 0.28] }

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

function q(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN
}

/**
 * A zip with one member, `submission.csv`: the long-format header, then the same row repeated
 * until `mib` MiB. Deflate at level 9 makes that about 1/1000 of its size.
 */
export async function zipBomb(firstId: string, mib: number): Promise<Buffer> {
  const row = Buffer.from(`${firstId}_0,0.0\n`)
  // About 1 MiB of whole rows, so that consecutive chunks continue the pattern.
  const chunk = Buffer.alloc(row.length * Math.floor((1 << 20) / row.length))
  for (let i = 0; i < chunk.length; i++) chunk[i] = row[i % row.length]
  const header = Buffer.from('imgId_eId,val\n')
  const deflate = createDeflateRaw({ level: 9 })
  const parts: Buffer[] = []
  deflate.on('data', (b: Buffer) => parts.push(b))
  const done = new Promise<void>((resolve, reject) => deflate.once('end', resolve).once('error', reject))
  // The header carries the CRC-32 of the data, as a well-formed zip does.
  let crc = crc32(header)
  deflate.write(header)
  for (let i = 0; i < mib; i++) {
    crc = crc32(chunk, crc)
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r))
  }
  deflate.end()
  await done
  const data = Buffer.concat(parts)
  const size = header.length + mib * chunk.length
  if (size >= 2 ** 32) throw new Error('--bomb-mb must stay below 4096 (no zip64)')
  const name = Buffer.from('submission.csv')
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(20, 4)
  local.writeUInt16LE(0, 6)
  local.writeUInt16LE(8, 8) // deflate
  local.writeUInt32LE(crc, 14)
  local.writeUInt32LE(data.length, 18)
  local.writeUInt32LE(size, 22)
  local.writeUInt16LE(name.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(20, 4)
  central.writeUInt16LE(20, 6)
  central.writeUInt16LE(8, 10)
  central.writeUInt32LE(crc, 16)
  central.writeUInt32LE(data.length, 20)
  central.writeUInt32LE(size, 24)
  central.writeUInt16LE(name.length, 28)
  central.writeUInt32LE(0, 42) // offset of the local header
  const centralOffset = local.length + name.length + data.length
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(1, 8)
  end.writeUInt16LE(1, 10)
  end.writeUInt32LE(central.length + name.length, 12)
  end.writeUInt32LE(centralOffset, 16)
  return Buffer.concat([local, name, data, central, name, end])
}

/** Paced GETs of `path` by `concurrency` readers until `stop()`; latencies in ms. */
function pacedReaders(port: number, path: string, concurrency: number, pauseMs: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
  const ms: number[] = []
  let errors = 0
  let running = true
  const one = () =>
    new Promise<void>((resolve) => {
      const start = performance.now()
      const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume()
        res.on('end', () => {
          if (res.statusCode !== 200) errors++
          ms.push(performance.now() - start)
          resolve()
        })
      })
      req.on('error', () => {
        errors++
        resolve()
      })
    })
  const loops = Array.from({ length: concurrency }, async () => {
    await sleep(pauseMs * Math.random())
    while (running) {
      await one()
      await sleep(pauseMs * (0.5 + Math.random()))
    }
  })
  return {
    async stop() {
      running = false
      await Promise.all(loops)
      agent.destroy()
      return { ms, errors }
    },
  }
}

export async function runAbuse(ctx: AbuseContext): Promise<void> {
  const { db } = await import('../lib/platform/db.ts')
  const { storage } = await import('../lib/platform/storage.ts')
  const { createApiToken } = await import('../lib/accounts/auth.ts')
  const { joinCompetition } = await import('../lib/teams/teams.ts')
  const { testSetKeys } = await import('../lib/testsets/keys.ts')
  const { buildTruth } = await import('../scoring/truth.ts')
  const { encodeTruth } = await import('../scoring/truth-file.ts')
  const { seededRandom } = await import('../scoring/random.ts')
  const { out, problems, port, tag } = ctx
  const base = `http://127.0.0.1:${port}`
  const now = Date.now()

  // A competition whose hidden set has 8 small images (a model run needs image files).
  const rand = seededRandom(1_111)
  const ids = Array.from({ length: IMAGES }, (_, i) => `abuse${String(i).padStart(3, '0')}`)
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
  const truth = buildTruth(ids, vectors, DIM, { publicIds: ids.slice(0, PUBLIC) })
  const competition = await db().competition.create({
    data: { slug: `load-abuse-${tag}`, title: 'Load: abuse', startAt: new Date(now - 86_400_000), deadline: new Date(now + 30 * 86_400_000), dailySubmissionLimit: 100, publicFraction: PUBLIC / IMAGES },
  })
  const version = await db().testSetVersion.create({
    data: { competitionId: competition.id, version: 1, status: 'ready', imageCount: IMAGES, publicCount: PUBLIC, dim: DIM, seed: 1, publicFraction: PUBLIC / IMAGES },
  })
  const truthKey = testSetKeys.truth(version.id)
  await storage().put(truthKey, encodeTruth(truth))
  for (let i = 0; i < IMAGES; i++) {
    const fileKey = `${testSetKeys.images(version.id)}${ids[i]}.png`
    const pixels = Buffer.from(Array.from({ length: 64 * 64 * 3 }, () => Math.floor(rand() * 256)))
    await storage().put(fileKey, await sharp(pixels, { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer())
    await db().testImage.create({ data: { testSetId: version.id, imageId: ids[i], position: i, isPublic: i < PUBLIC, fileKey } })
  }
  await db().testSetVersion.update({ where: { id: version.id }, data: { truthKey } })
  await db().competition.update({ where: { id: competition.id }, data: { activeTestSetId: version.id } })

  // The attacker and 20 ordinary teams, each with a token.
  await db().user.createMany({ data: Array.from({ length: TEAMS + 1 }, (_, i) => ({ id: `abuse-${tag}-u${i}`, email: `ab${i}-${tag}@load.test`, name: `Abuse ${i}`, passwordHash: 'x' })) })
  const tokens: string[] = []
  for (let i = 0; i <= TEAMS; i++) {
    const u = await db().user.findUniqueOrThrow({ where: { id: `abuse-${tag}-u${i}` } })
    tokens.push((await createApiToken(u.id, 'load')).token)
    await joinCompetition(u, competition)
  }
  const [attacker, ...honest] = tokens

  const t0 = performance.now()
  const bomb = await zipBomb(ids[0], ctx.bombMiB)
  console.log(`zip bomb: ${(bomb.length / 1024 / 1024).toFixed(2)} MiB expanding to ${ctx.bombMiB} MiB (built in ${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  const looping = poolProjectModel({ weights: seededFloats(POOLED * DIM, 3), outDim: DIM, heavyMatMuls: 400 })

  const auth = (token: string) => ({ authorization: `Bearer ${token}` })
  const post = async (path: string, token: string, body: BodyInit, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...auth(token), ...headers }, body })
    const json = (await res.json().catch(() => ({}))) as { submission?: { id: string }; error?: { message: string } }
    return { status: res.status, id: json.submission?.id, error: json.error?.message }
  }
  const submitModel = () => {
    const form = new FormData()
    form.set('manifest', JSON.stringify(MANIFEST))
    form.set('model', new Blob([Buffer.from(looping)]), 'model.onnx')
    return post(`/api/competitions/${competition.slug}/model-submissions`, attacker, form)
  }

  // 20 teams at once, each with a valid CSV (truth plus a different noise), while 4 paced readers
  // read the competitions list; once without the attack (the anchor), once under it.
  const csvs = honest.map((_, team) => {
    const noise = seededRandom(500 + team)
    const lines = ['imgId_eId,val']
    for (let i = 0; i < IMAGES; i++) for (let k = 0; k < DIM; k++) lines.push(`${ids[i]}_${k},${(vectors[i * DIM + k] + 0.05 * (noise() * 2 - 1)).toFixed(7)}`)
    return `${lines.join('\n')}\n`
  })
  const csvRound = async (label: string, during: () => Promise<void> = async () => {}) => {
    const api = pacedReaders(port, '/api/competitions', 4, 100)
    await during()
    const started = Date.now()
    const uploads = await Promise.all(honest.map((token, i) => post(`/api/competitions/${competition.slug}/submissions?filename=submission.csv`, token, csvs[i], { 'content-type': 'text/csv' })))
    for (const [i, u] of uploads.entries()) if (u.status !== 201) problems.push(`abuse (${label}): team ${i + 1}'s CSV answered ${u.status} ${u.error ?? ''}`)
    const csvIds = uploads.map((u) => u.id).filter((id): id is string => id !== undefined)
    const deadline = Date.now() + 180_000
    for (;;) {
      const pending = await db().submission.count({ where: { id: { in: csvIds }, status: { in: ['queued', 'running'] } } })
      if (pending === 0) break
      if (Date.now() > deadline) {
        problems.push(`abuse (${label}): ${pending} CSV submission(s) not scored after 3 min`)
        break
      }
      await sleep(100)
    }
    const allMs = Date.now() - started
    const rows = await db().submission.findMany({ where: { id: { in: csvIds } } })
    for (const r of rows) if (r.status !== 'scored') problems.push(`abuse (${label}): CSV ${r.id} ${r.status}${r.error ? ` (${r.error})` : ''}`)
    const toScore = rows.filter((r) => r.scoredAt).map((r) => r.scoredAt!.getTime() - r.createdAt.getTime())
    const lat = await api.stop()
    if (lat.errors > 0) problems.push(`abuse (${label}): ${lat.errors} failed GET /api/competitions`)
    return { scored: rows.filter((r) => r.status === 'scored').length, allMs, toScore, lat, loadAvg: os.loadavg()[0] }
  }

  // Warm-up: the first requests of a route load its modules (seconds on a busy machine).
  for (let i = 0; i < 5; i++) await fetch(`${base}/api/competitions`).then((r) => r.arrayBuffer())
  const warm = await post(`/api/competitions/${competition.slug}/submissions?filename=submission.csv`, attacker, csvs[0], { 'content-type': 'text/csv' })
  for (let i = 0; warm.id && i < 600; i++) {
    const s = await db().submission.findUniqueOrThrow({ where: { id: warm.id } })
    if (s.status !== 'queued' && s.status !== 'running') break
    await sleep(100)
  }

  const quiet = await csvRound('anchor')
  let model1: Awaited<ReturnType<typeof post>> = { status: 0, id: undefined, error: undefined }
  let model2: Awaited<ReturnType<typeof post>> = { status: 0, id: undefined, error: undefined }
  let bombRes: Awaited<ReturnType<typeof post>> = { status: 0, id: undefined, error: undefined }
  const attacked = await csvRound('attack', async () => {
    // The attack: two looping models (the second must wait for the first) and the bomb.
    model1 = await submitModel()
    model2 = await submitModel()
    bombRes = await post(`/api/competitions/${competition.slug}/submissions?filename=submission.zip`, attacker, new Uint8Array(bomb), { 'content-type': 'application/zip' })
    for (const [what, r] of [['model 1', model1], ['model 2', model2], ['zip bomb', bombRes]] as const) if (r.status !== 201) console.error(`abuse: ${what} answered ${r.status} ${r.error ?? ''}`)
    // Let the attack take hold before the honest teams come.
    await sleep(3_000)
  })

  // What became of the attack so far (the models may still be within their time cap).
  const attack = async (id: string | undefined) => {
    if (!id) return 'refused at upload'
    const s = await db().submission.findUniqueOrThrow({ where: { id } })
    if (s.status === 'queued' || s.status === 'running') return s.status
    const job = await db().job.findFirst({ where: { submissionId: id }, orderBy: { createdAt: 'desc' } })
    const end = s.scoredAt ?? job?.finishedAt
    const after = end ? ` ${((end.getTime() - s.createdAt.getTime()) / 1000).toFixed(1)} s after upload` : ''
    return `${s.status}${after}${s.error ? `: “${s.error.slice(0, 160)}”` : ''}`
  }
  const bombDeadline = Date.now() + 120_000
  while (bombRes.id && Date.now() < bombDeadline) {
    const s = await db().submission.findUniqueOrThrow({ where: { id: bombRes.id } })
    if (s.status !== 'queued' && s.status !== 'running') break
    await sleep(250)
  }
  const modelRuns = await db().job.findMany({ where: { submissionId: { in: [model1.id, model2.id].filter((x): x is string => !!x) } }, orderBy: { createdAt: 'asc' } })

  const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : '-')
  const p95 = q(attacked.toScore, 0.95)
  const apiP99 = q(attacked.lat.ms, 0.99)
  const row = (what: string, r: typeof quiet) =>
    `| ${what} | ${r.scored} / ${TEAMS} in ${secs(r.allMs)} | p50 ${secs(q(r.toScore, 0.5))}, p95 ${secs(q(r.toScore, 0.95))}, max ${secs(q(r.toScore, 1))} | p50 ${q(r.lat.ms, 0.5).toFixed(1)} ms, p99 ${q(r.lat.ms, 0.99).toFixed(1)} ms (${r.lat.ms.length} requests) | ${r.loadAvg.toFixed(1)} |`
  out()
  out(`## (c) abuse: a looping model and a zip bomb from one team while ${TEAMS} teams submit CSVs`)
  out()
  out(`${TEAMS} teams upload an ${IMAGES}-image CSV each, at once, while 4 paced readers (pausing 50–150 ms) read \`GET /api/competitions\`: after a warm-up (5 list requests, one CSV scored), first on a quiet platform (the anchor), then 3 s after one team submitted two looping ONNX models (400 chained input-dependent 1024×1024 MatMuls per batch; time cap ARENA_MODEL_WALL_SECONDS=${ctx.modelWallSeconds}) and a ${(bomb.length / 1024 / 1024).toFixed(2)} MiB zip whose CSV inflates to ${ctx.bombMiB} MiB. Time to score = Submission.createdAt → scoredAt.`)
  out()
  out(`| round | CSVs scored | time to score | \`GET /api/competitions\` | load avg (1 min) after |`)
  out(`|---|---|---|---|---|`)
  out(row('quiet (anchor)', quiet))
  out(row('under attack', attacked))
  out(`| ratio attack / quiet | | p95 ${ratio(p95, q(quiet.toScore, 0.95))} | p99 ${ratio(apiP99, q(quiet.lat.ms, 0.99))} | |`)
  out()
  out(`| the attack | outcome |`)
  out(`|---|---|`)
  out(`| zip bomb | ${await attack(bombRes.id)} |`)
  out(`| model 1 | ${await attack(model1.id)} |`)
  out(`| model 2 (same team) | ${await attack(model2.id)}; its job ${modelRuns[1] ? `${modelRuns[1].status}${modelRuns[1].startedAt && modelRuns[0]?.finishedAt ? `, started ${((modelRuns[1].startedAt.getTime() - modelRuns[0].finishedAt.getTime()) / 1000).toFixed(1)} s after model 1's job ended` : modelRuns[1].startedAt ? ', started while model 1 was still running (!)' : ', not started while model 1 runs'}` : 'none'} |`)
  out(`| worker peak RSS (VmHWM) | ${ctx.workerPeaks()} |`)
  out()
  out(p95 < TARGET_P95_MS ? `CSV time to score under attack p95 ${secs(p95)}: within the ${TARGET_P95_MS / 1000} s target.` : `CSV time to score under attack p95 ${secs(p95)}: MISSES the ${TARGET_P95_MS / 1000} s target.`)
  out(apiP99 < TARGET_API_P99_MS ? `API p99 under attack ${apiP99.toFixed(1)} ms: within the ${TARGET_API_P99_MS} ms target.` : `API p99 under attack ${apiP99.toFixed(1)} ms: MISSES the ${TARGET_API_P99_MS} ms target.`)
}
