// Public and private leaderboards, built from the database. Each is one window-function query
// over the competition's scored, on-time submissions (plain SQL that SQLite ≥ 3.25 and PostgreSQL
// both run), plus one query for team names. lib/leaderboards/cache.ts serves them.
import { db, type Competition } from '../platform/db.ts'

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
  /** 95 % half-width of the score (lib/leaderboards/statistics.ts); null when not computable. */
  halfWidth?: number | null
  /** A paired test finds no difference from the row above: a statistical tie. */
  tiedWithPrevious?: boolean
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

/** SQLite returns dates stored by Prisma as text (or epoch ms), PostgreSQL as Date. */
function toDate(v: unknown): Date {
  if (v instanceof Date) return v
  if (typeof v === 'number' || typeof v === 'bigint') return new Date(Number(v))
  return new Date(String(v))
}

const num = (v: unknown): number => Number(v)

/**
 * The submission behind each row of a built board (row order), kept beside the board rather than
 * in it so that no wire format carries it; read by lib/leaderboards/statistics.ts.
 */
const rowSources = new WeakMap<Leaderboard, readonly string[]>()

export function rowSubmissions(board: Leaderboard): readonly string[] | undefined {
  return rowSources.get(board)
}

/** The same board with other rows content (e.g. statistics), keeping its row sources. */
export function withRows(board: Leaderboard, rows: LeaderboardRow[]): Leaderboard {
  const out = { ...board, rows }
  const sources = rowSources.get(board)
  if (sources) rowSources.set(out, sources)
  return out
}

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

export interface FinalCandidate {
  teamId: string
  id: string
  privateScore: number | null
  createdAt: Date
  selected: boolean
}

/** Per team: its selected submissions, or (none selected) its `limit` best public ones. */
export async function finalCandidates(competitionId: string, limit: number): Promise<FinalCandidate[]> {
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

export async function buildPublic(competition: Competition): Promise<Leaderboard> {
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
  const board: Leaderboard = { type: 'public', competition: competition.slug, generatedAt: new Date(), rows, baselines: base }
  rowSources.set(board, best.map((b) => b.id))
  return board
}

/** The private board; `publicBoard` is the current public one (for each team's move). */
export async function buildPrivate(competition: Competition, publicBoard: Promise<Leaderboard>): Promise<Leaderboard> {
  const [pub, candidates, names, base] = await Promise.all([
    publicBoard,
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
  const board: Leaderboard = { type: 'private', competition: competition.slug, generatedAt: new Date(), rows, baselines: base }
  rowSources.set(board, ordered.map((c) => c.id))
  return board
}

