// Read-models for the competition charts: the best public score over time of the top teams and
// the number of submissions per day. Only public scores and counts: nothing private leaks here.
import { db, type Competition } from '../platform/db.ts'
import { getLeaderboard } from '../leaderboards/leaderboard.ts'

const DAY_MS = 86_400_000

export interface ProgressSeries {
  teamId: string
  teamName: string
  /** The team's best public score so far, one point per improvement. */
  points: { t: number; y: number }[]
}

/** Best public score over time for the `top` teams of the public leaderboard (and `alsoTeamId`). */
export async function bestScoreOverTime(competition: Competition, top = 8, alsoTeamId?: string): Promise<ProgressSeries[]> {
  const board = await getLeaderboard(null, competition, 'public')
  const chosen = board.rows.slice(0, top)
  if (alsoTeamId && !chosen.some((r) => r.teamId === alsoTeamId)) {
    const mine = board.rows.find((r) => r.teamId === alsoTeamId)
    if (mine) chosen.push(mine)
  }
  if (chosen.length === 0) return []
  const rows = await db().submission.findMany({
    where: { competitionId: competition.id, teamId: { in: chosen.map((r) => r.teamId) }, status: 'scored', late: false, publicScore: { not: null } },
    select: { teamId: true, publicScore: true, createdAt: true },
    orderBy: { createdAt: 'asc' },
  })
  const byTeam = new Map<string, { t: number; y: number }[]>()
  for (const r of rows) {
    if (!r.teamId || r.publicScore === null) continue
    const pts = byTeam.get(r.teamId) ?? []
    const last = pts[pts.length - 1]
    if (!last || r.publicScore > last.y) pts.push({ t: r.createdAt.getTime(), y: r.publicScore })
    byTeam.set(r.teamId, pts)
  }
  return chosen.map((r) => ({ teamId: r.teamId, teamName: r.teamName, points: byTeam.get(r.teamId) ?? [] }))
}

export interface DayCount {
  /** Start of the UTC day, epoch ms. */
  day: number
  count: number
}

/** Team submissions per UTC day from the start (or first submission) to today/deadline; empty days included. */
export async function submissionsPerDay(competition: Competition, now = new Date()): Promise<DayCount[]> {
  const rows = await db().submission.findMany({
    where: { competitionId: competition.id, teamId: { not: null } },
    select: { createdAt: true },
  })
  if (rows.length === 0) return []
  const counts = new Map<number, number>()
  let first = Infinity
  let last = -Infinity
  for (const r of rows) {
    const d = Math.floor(r.createdAt.getTime() / DAY_MS) * DAY_MS
    counts.set(d, (counts.get(d) ?? 0) + 1)
    first = Math.min(first, d)
    last = Math.max(last, d)
  }
  const start = Math.min(first, Math.floor(competition.startAt.getTime() / DAY_MS) * DAY_MS)
  const end = Math.max(last, Math.floor(Math.min(now.getTime(), competition.deadline.getTime()) / DAY_MS) * DAY_MS)
  const out: DayCount[] = []
  // At most a year of bars: long competitions show their latest year.
  for (let d = Math.max(start, end - 365 * DAY_MS); d <= end; d += DAY_MS) out.push({ day: d, count: counts.get(d) ?? 0 })
  return out
}
