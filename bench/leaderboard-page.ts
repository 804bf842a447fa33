// Server time of the leaderboard page with 2,000 teams (target: under 200 ms).
//
//   npx tsx bench/leaderboard-page.ts [--teams 2000] [--requests 30]
//
// Seeds a fresh SQLite data folder (teams of one, three scored submissions each, so the window
// query has 6,000 rows), serves the production build (`node scripts/prepare.js` first if it is
// stale) and times GET /competitions/<slug>/leaderboard as a signed-in participant, page 1 and
// page 15: the first request (leaderboard built from the database),
// then warm ones (the service caches a board for 5 s), then requests after the cache expired.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}
const TEAMS = arg('teams', 2000)
const REQUESTS = arg('requests', 30)
const ROOT = path.resolve(import.meta.dirname, '..')
const SLUG = 'bench-leaderboard'

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'arena-bench-lb-'))
process.env.ARENA_DATA_DIR = dataDir
process.env.ARENA_DEMO = '0'

const { applyMigrations } = await import('../lib/platform/migrate.ts')
const { config } = await import('../lib/platform/config.ts')
const { db, closeDb } = await import('../lib/platform/db.ts')
const { createSession } = await import('../lib/accounts/auth.ts')
const { SESSION_COOKIE } = await import('../lib/web/auth.ts')

await applyMigrations({ url: config().databaseUrl })
const now = Date.now()
const competition = await db().competition.create({
  data: { slug: SLUG, title: 'Leaderboard bench', startAt: new Date(now - 30 * 86_400_000), deadline: new Date(now + 30 * 86_400_000) },
})
const t0 = performance.now()
const users = Array.from({ length: TEAMS }, (_, i) => ({ id: `u${i}`, email: `u${i}@bench.test`, name: `User ${i}`, passwordHash: 'x' }))
const teams = users.map((u, i) => ({ id: `t${i}`, competitionId: competition.id, name: `Team ${i}`, inviteCode: `code${i}` }))
const members = users.map((u, i) => ({ teamId: `t${i}`, userId: u.id, competitionId: competition.id }))
const submissions = teams.flatMap((t, i) =>
  [0, 1, 2].map((k) => ({
    competitionId: competition.id,
    teamId: t.id,
    userId: `u${i}`,
    kind: 'csv' as const,
    fileKey: `x/${i}/${k}`,
    fileName: 'submission.csv',
    fileSize: 1,
    status: 'scored' as const,
    publicScore: 0.4 + 0.2 * Math.sin(i * 7.1 + k),
    privateScore: 0.4 + 0.2 * Math.cos(i * 3.3 + k),
    createdAt: new Date(now - (k + 1) * 3_600_000 - i * 1000),
  })),
)
for (let i = 0; i < users.length; i += 500) await db().user.createMany({ data: users.slice(i, i + 500) })
for (let i = 0; i < teams.length; i += 500) await db().team.createMany({ data: teams.slice(i, i + 500) })
for (let i = 0; i < members.length; i += 500) await db().teamMember.createMany({ data: members.slice(i, i + 500) })
for (let i = 0; i < submissions.length; i += 500) await db().submission.createMany({ data: submissions.slice(i, i + 500) })
const viewer = users[Math.floor(TEAMS * 0.73)]
const { token } = await createSession(viewer.id)
await closeDb()
console.log(`seeded ${TEAMS} teams, ${submissions.length} submissions in ${Math.round(performance.now() - t0)} ms`)

const { execFileSync } = await import('node:child_process')
execFileSync(process.execPath, ['scripts/prepare.js'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ARENA_SKIP_MODELS: '1' } })

const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const a = s.address()
    s.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
  })
})
const child = spawn(process.execPath, ['bin/arena.js', 'serve', '--port', String(port)], {
  cwd: ROOT,
  env: { ...process.env, HOST: '127.0.0.1', ARENA_INPROCESS_WORKERS: '0', NODE_ENV: 'production' },
  stdio: ['ignore', 'ignore', 'inherit'],
})
const base = `http://127.0.0.1:${port}`
for (let i = 0; ; i++) {
  try {
    await fetch(`${base}/api/health`)
    break
  } catch {
    if (i > 600) throw new Error('server did not start')
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function time(url: string): Promise<{ ms: number; bytes: number }> {
  const start = performance.now()
  const res = await fetch(url, { headers: { cookie: `${SESSION_COOKIE}=${token}` } })
  const body = await res.text()
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
  return { ms: performance.now() - start, bytes: body.length }
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`
}

const page1 = `${base}/competitions/${SLUG}/leaderboard`
const privatePage = `${base}/competitions/${SLUG}/leaderboard?type=private&page=7`
// Next.js compiles nothing at run time in production, but the first request loads the route's modules.
await time(`${base}/competitions/${SLUG}`)
const cold = await time(page1)
console.log(`first request (board built from the database): ${cold.ms.toFixed(1)} ms, ${Math.round(cold.bytes / 1024)} KB`)
const warm: number[] = []
for (let i = 0; i < REQUESTS; i++) warm.push((await time(page1)).ms)
console.log(`page 1, warm cache:        ${stats(warm)}`)
const expired: number[] = []
for (let i = 0; i < 3; i++) {
  await new Promise((r) => setTimeout(r, 5_200))
  expired.push((await time(page1)).ms)
}
console.log(`page 1, cache expired:     ${stats(expired)}`)
const deep: number[] = []
for (let i = 0; i < REQUESTS; i++) deep.push((await time(`${page1}?page=15`)).ms)
console.log(`page 15, warm cache:       ${stats(deep)}`)
const priv = await time(privatePage)
console.log(`private board (participant, before reveal: public shown): ${priv.ms.toFixed(1)} ms`)
const worst = Math.max(cold.ms, ...expired, ...warm, ...deep)
console.log(worst < 200 ? `OK: every request under 200 ms (worst ${worst.toFixed(1)} ms)` : `SLOW: worst request ${worst.toFixed(1)} ms (target 200 ms)`)

child.kill('SIGTERM')
await new Promise((r) => child.once('exit', r))
await rm(dataDir, { recursive: true, force: true })
