// Public and private leaderboards. Each is one window-function query over the competition's
// scored, on-time submissions (plain SQL that SQLite ≥ 3.25 and PostgreSQL both run), plus one
// query for team names; the result is cached for a few seconds per competition and dropped when
// this process records a new score or selection. Other processes (separate workers) are covered
// by the short expiry. Concurrent cache misses share one build (no stampede: 200 readers arriving
// just after an expiry run the queries once); for one more TTL after expiry readers get the old
// board while that build runs. The JSON and CSV bytes of a cached board are serialized once and
// reused by every request that gets the same board.
import { db, type Competition, type User } from '../platform/db.ts'
import { forbidden } from '../errors.ts'

export type LeaderboardType = 'public' | 'private'

export interface LeaderboardRow {
  rank: number
  teamId: string
  teamName: string
  members: string[]
  score: number
  /** Scored on-time submissions of the team. */
  entries: number
  lastSubmissionAt: Date
  /** Private board only: the team's public rank and its move (positive = climbed). */
  publicRank?: number | null
  move?: number | null
  /** Private board only: false when the team selected nothing and its best public submissions count. */
  selectedByTeam?: boolean
}

export interface BaselineRow {
  submissionId: string
  name: string
  score: number
}

export interface Leaderboard {
  type: LeaderboardType
  competition: string
  generatedAt: Date
  rows: LeaderboardRow[]
  /** Reference submissions, shown for comparison, never ranked. */
  baselines: BaselineRow[]
}

const TTL_MS = 5_000
const cache = new Map<string, { expires: number; board: Leaderboard }>()
/** Builds in progress, by cache key: concurrent misses wait for the same one. */
const building = new Map<string, Promise<Leaderboard>>()
/** Per competition, bumped by every invalidation: a build that started before one is not cached. */
const generations = new Map<string, number>()

export function invalidateLeaderboard(competitionId: string): void {
  generations.set(competitionId, (generations.get(competitionId) ?? 0) + 1)
  for (const key of cache.keys()) if (key.startsWith(`${competitionId}:`)) cache.delete(key)
  for (const key of building.keys()) if (key.startsWith(`${competitionId}:`)) building.delete(key)
}

/** SQLite returns dates stored by Prisma as text (or epoch ms), PostgreSQL as Date. */
function toDate(v: unknown): Date {
  if (v instanceof Date) return v
  if (typeof v === 'number' || typeof v === 'bigint') return new Date(Number(v))
  return new Date(String(v))
}

const num = (v: unknown): number => Number(v)

interface PublicBest {
  teamId: string
  id: string
  publicScore: number
  createdAt: Date
  entries: number
  lastAt: Date
}

async function publicBest(competitionId: string): Promise<PublicBest[]> {
  const rows = await db().$queryRaw<Record<string, unknown>[]>`
    SELECT t."teamId", t."id", t."publicScore", t."createdAt", t."entries", t."lastAt"
    FROM (
      SELECT s."teamId", s."id", s."publicScore", s."createdAt",
        COUNT(*) OVER (PARTITION BY s."teamId") AS "entries",
        MAX(s."createdAt") OVER (PARTITION BY s."teamId") AS "lastAt",
        ROW_NUMBER() OVER (PARTITION BY s."teamId" ORDER BY s."publicScore" DESC, s."createdAt" ASC, s."id" ASC) AS "rn"
      FROM "Submission" s
      WHERE s."competitionId" = ${competitionId} AND s."status" = 'scored' AND s."late" = false
        AND s."teamId" IS NOT NULL AND s."publicScore" IS NOT NULL
    ) t
    WHERE t."rn" = 1`
  return rows
    .map((r) => ({
      teamId: String(r.teamId),
      id: String(r.id),
      publicScore: num(r.publicScore),
      createdAt: toDate(r.createdAt),
      entries: num(r.entries),
      lastAt: toDate(r.lastAt),
    }))
    .sort((a, b) => b.publicScore - a.publicScore || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
}

interface FinalCandidate {
  teamId: string
  id: string
  privateScore: number | null
  createdAt: Date
  selected: boolean
}

/** Per team: its selected submissions, or (none selected) its `limit` best public ones. */
async function finalCandidates(competitionId: string, limit: number): Promise<FinalCandidate[]> {
  const rows = await db().$queryRaw<Record<string, unknown>[]>`
    SELECT t."teamId", t."id", t."privateScore", t."createdAt", t."anySelected"
    FROM (
      SELECT s."teamId", s."id", s."privateScore", s."createdAt", s."selected",
        ROW_NUMBER() OVER (PARTITION BY s."teamId" ORDER BY s."publicScore" DESC, s."createdAt" ASC, s."id" ASC) AS "rn",
        MAX(CASE WHEN s."selected" THEN 1 ELSE 0 END) OVER (PARTITION BY s."teamId") AS "anySelected"
      FROM "Submission" s
      WHERE s."competitionId" = ${competitionId} AND s."status" = 'scored' AND s."late" = false
        AND s."teamId" IS NOT NULL AND s."publicScore" IS NOT NULL
    ) t
    WHERE (t."anySelected" = 1 AND t."selected" = true) OR (t."anySelected" = 0 AND t."rn" <= CAST(${limit} AS INTEGER))`
  return rows.map((r) => ({
    teamId: String(r.teamId),
    id: String(r.id),
    privateScore: r.privateScore === null ? null : num(r.privateScore),
    createdAt: toDate(r.createdAt),
    selected: num(r.anySelected) === 1,
  }))
}

async function teamNames(competitionId: string): Promise<Map<string, { name: string; members: string[] }>> {
  // Flat queries: a nested include would send every team id as a bound variable, which SQLite caps.
  const [teams, members] = await Promise.all([
    db().team.findMany({ where: { competitionId }, select: { id: true, name: true } }),
    db().$queryRaw<{ teamId: string; name: string }[]>`
      SELECT m."teamId", u."name" FROM "TeamMember" m JOIN "User" u ON u."id" = m."userId"
      WHERE m."competitionId" = ${competitionId} ORDER BY m."joinedAt" ASC, m."id" ASC`,
  ])
  const out = new Map(teams.map((t) => [t.id, { name: t.name, members: [] as string[] }]))
  for (const m of members) out.get(m.teamId)?.members.push(m.name)
  return out
}

async function baselines(competitionId: string, type: LeaderboardType): Promise<BaselineRow[]> {
  const rows = await db().submission.findMany({
    where: { competitionId, isBaseline: true, status: 'scored' },
    orderBy: { createdAt: 'asc' },
    select: { id: true, description: true, fileName: true, publicScore: true, privateScore: true },
  })
  return rows.flatMap((r) => {
    const score = type === 'public' ? r.publicScore : r.privateScore
    return score === null ? [] : [{ submissionId: r.id, name: r.description || r.fileName || 'Baseline', score }]
  })
}

async function buildPublic(competition: Competition): Promise<Leaderboard> {
  const [best, names, base] = await Promise.all([publicBest(competition.id), teamNames(competition.id), baselines(competition.id, 'public')])
  const rows = best.map((b, i) => ({
    rank: i + 1,
    teamId: b.teamId,
    teamName: names.get(b.teamId)?.name ?? '?',
    members: names.get(b.teamId)?.members ?? [],
    score: b.publicScore,
    entries: b.entries,
    lastSubmissionAt: b.lastAt,
  }))
  return { type: 'public', competition: competition.slug, generatedAt: new Date(), rows, baselines: base }
}

async function buildPrivate(competition: Competition): Promise<Leaderboard> {
  const [pub, candidates, names, base] = await Promise.all([
    cached(competition, 'public'),
    finalCandidates(competition.id, competition.finalSelectionLimit),
    teamNames(competition.id),
    baselines(competition.id, 'private'),
  ])
  const best = new Map<string, FinalCandidate>()
  for (const c of candidates) {
    if (c.privateScore === null) continue
    const cur = best.get(c.teamId)
    if (!cur || c.privateScore > (cur.privateScore ?? -Infinity) || (c.privateScore === cur.privateScore && c.createdAt < cur.createdAt)) best.set(c.teamId, c)
  }
  const publicRow = new Map(pub.rows.map((r) => [r.teamId, r]))
  const ordered = [...best.values()].sort(
    (a, b) => (b.privateScore ?? 0) - (a.privateScore ?? 0) || a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1),
  )
  const rows = ordered.map((c, i) => {
    const p = publicRow.get(c.teamId)
    const publicRank = p?.rank ?? null
    return {
      rank: i + 1,
      teamId: c.teamId,
      teamName: names.get(c.teamId)?.name ?? '?',
      members: names.get(c.teamId)?.members ?? [],
      score: c.privateScore ?? 0,
      entries: p?.entries ?? 0,
      lastSubmissionAt: p?.lastSubmissionAt ?? c.createdAt,
      publicRank,
      move: publicRank === null ? null : publicRank - (i + 1),
      selectedByTeam: c.selected,
    }
  })
  return { type: 'private', competition: competition.slug, generatedAt: new Date(), rows, baselines: base }
}

/** Builds the board once for everyone asking meanwhile, and caches it unless invalidated meanwhile. */
function rebuild(competition: Competition, type: LeaderboardType, key: string): Promise<Leaderboard> {
  const started = generations.get(competition.id) ?? 0
  const promise: Promise<Leaderboard> = (type === 'public' ? buildPublic(competition) : buildPrivate(competition)).then(
    (board) => {
      if (building.get(key) === promise) building.delete(key)
      // Invalidated while building: the requests already waiting get this board, the cache does not.
      if ((generations.get(competition.id) ?? 0) === started) cache.set(key, { expires: Date.now() + TTL_MS, board })
      return board
    },
    (err: unknown) => {
      if (building.get(key) === promise) building.delete(key)
      throw err
    },
  )
  building.set(key, promise)
  return promise
}

async function cached(competition: Competition, type: LeaderboardType): Promise<Leaderboard> {
  const key = `${competition.id}:${type}:${competition.finalSelectionLimit}`
  const hit = cache.get(key)
  const t = Date.now()
  if (hit && hit.expires > t) return hit.board
  const inFlight = building.get(key)
  // Expired less than a TTL ago (and not invalidated): serve it while one rebuild runs, so readers
  // do not queue behind the queries every few seconds. A failed rebuild is retried by the next
  // reader; the one after a local score or selection always waits for a fresh board.
  if (hit && hit.expires + TTL_MS > t) {
    if (!inFlight) rebuild(competition, type, key).catch(() => {})
    return hit.board
  }
  return inFlight ?? rebuild(competition, type, key)
}

/**
 * The leaderboard a viewer may see. The private one is for organizers, and for everyone once
 * revealed; the public one never carries private scores.
 */
export async function getLeaderboard(viewer: User | null, competition: Competition, type: LeaderboardType): Promise<Leaderboard> {
  if (type === 'private' && viewer?.role !== 'organizer' && competition.privateRevealedAt === null) {
    throw forbidden('The private leaderboard is hidden until the organizer reveals it after the deadline')
  }
  return cached(competition, type)
}

function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const serialized = new WeakMap<Leaderboard, { json?: Uint8Array<ArrayBuffer>; csv?: string }>()

function memo(board: Leaderboard): { json?: Uint8Array<ArrayBuffer>; csv?: string } {
  let m = serialized.get(board)
  if (!m) serialized.set(board, (m = {}))
  return m
}

/**
 * `{"leaderboard": board}` as UTF-8 JSON bytes, serialized once per cached board: with 2,000
 * teams that is about 350 KB, which every reader would otherwise re-stringify.
 */
export function leaderboardJsonBytes(board: Leaderboard): Uint8Array<ArrayBuffer> {
  const m = memo(board)
  m.json ??= new TextEncoder().encode(JSON.stringify({ leaderboard: board }))
  return m.json
}

export function leaderboardCsv(board: Leaderboard): string {
  const m = memo(board)
  m.csv ??= buildCsv(board)
  return m.csv
}

function buildCsv(board: Leaderboard): string {
  const priv = board.type === 'private'
  const header = ['Rank', 'TeamId', 'TeamName', 'Members', 'Score', 'Entries', 'LastSubmission', ...(priv ? ['PublicRank', 'Move'] : [])]
  const lines = [header.join(',')]
  for (const r of board.rows) {
    lines.push(
      [r.rank, r.teamId, r.teamName, r.members.join('; '), r.score, r.entries, r.lastSubmissionAt.toISOString(), ...(priv ? [r.publicRank, r.move] : [])]
        .map(csvField)
        .join(','),
    )
  }
  for (const b of board.baselines) {
    lines.push(['', 'baseline', b.name, '', b.score, '', '', ...(priv ? ['', ''] : [])].map(csvField).join(','))
  }
  return `${lines.join('\n')}\n`
}
