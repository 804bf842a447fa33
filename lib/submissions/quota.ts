// The daily submission limit: submissions count against the UTC day they were made, failed ones
// are given back (model runs that had started excepted), and the count resets at 00:00 UTC.
import { db, type Competition } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { ApiError } from '../errors.ts'

const DAY_MS = 86_400_000

export function utcDayStart(t: Date): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()))
}

/** `2026-11-25T00:00:00Z`: the reset time as participants read it. */
export function isoSeconds(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export interface Quota {
  limit: number
  used: number
  remaining: number
  /** Next 00:00 UTC. */
  resetAt: Date
}

/**
 * Submissions of the team that count today (UTC); pass the transaction to count under its lock.
 * A failed submission gives its slot back, except a model run that had started on the hidden
 * images (lib/jobs/run-model.ts sets startedAt then): else a failing model could probe them forever.
 */
export async function countToday(client: Pick<ReturnType<typeof db>, 'submission'>, teamId: string, at: Date): Promise<number> {
  return client.submission.count({
    where: { teamId, createdAt: { gte: utcDayStart(at) }, OR: [{ status: { not: 'failed' } }, { kind: 'model', startedAt: { not: null } }] },
  })
}

export function quotaOf(competition: Competition, used: number, at: Date): Quota {
  return {
    limit: competition.dailySubmissionLimit,
    used,
    remaining: Math.max(0, competition.dailySubmissionLimit - used),
    resetAt: new Date(utcDayStart(at).getTime() + DAY_MS),
  }
}

export async function teamQuota(competition: Competition, teamId: string): Promise<Quota> {
  const t = now()
  return quotaOf(competition, await countToday(db(), teamId, t), t)
}

export function dailyLimitError(q: Quota): ApiError {
  return new ApiError(429, 'daily_limit', `Daily submission limit of ${q.limit} reached; next reset at ${isoSeconds(q.resetAt)}`, {
    remaining: 0,
    resetAt: isoSeconds(q.resetAt),
  })
}
