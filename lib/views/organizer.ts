// Read-models of the organizer console: users, teams, jobs and the progress of a rescoring.
import { db, type Competition, type Job } from '../platform/db.ts'
import { listJobs, type JobStatus } from '../queue/index.ts'
import { INTERNAL_ERROR_MESSAGE } from '../queue/runner.ts'

export interface UserRow {
  id: string
  name: string
  email: string
  role: string
  createdAt: Date
  disabledAt: Date | null
  teams: number
  submissions: number
}

export async function listUsers(limit = 500): Promise<{ rows: UserRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    db().user.findMany({
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { id: true, name: true, email: true, role: true, createdAt: true, disabledAt: true, _count: { select: { memberships: true, submissions: true } } },
    }),
    db().user.count(),
  ])
  return {
    rows: rows.map(({ _count, ...u }) => ({ ...u, teams: _count.memberships, submissions: _count.submissions })),
    total,
  }
}

export interface TeamRow {
  id: string
  name: string
  members: string[]
  submissions: number
  createdAt: Date
}

export async function listTeams(competitionId: string, limit = 500): Promise<{ rows: TeamRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    db().team.findMany({
      where: { competitionId },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: {
        id: true,
        name: true,
        createdAt: true,
        members: { select: { user: { select: { name: true, email: true } } }, orderBy: { joinedAt: 'asc' } },
        _count: { select: { submissions: true } },
      },
    }),
    db().team.count({ where: { competitionId } }),
  ])
  return {
    rows: rows.map((t) => ({ id: t.id, name: t.name, createdAt: t.createdAt, submissions: t._count.submissions, members: t.members.map((m) => `${m.user.name} <${m.user.email}>`) })),
    total,
  }
}

export async function jobsFor(options: { status?: JobStatus; competitionId?: string; limit?: number }): Promise<Job[]> {
  if (!options.competitionId) return listJobs({ status: options.status, limit: options.limit ?? 100 })
  return db().job.findMany({
    where: { competitionId: options.competitionId, ...(options.status ? { status: options.status } : {}) },
    orderBy: { createdAt: 'desc' },
    take: options.limit ?? 100,
  })
}

export interface JobCounts extends Record<JobStatus, number> {
  /**
   * Failed scoring jobs of submissions the participant got wrong (a PermanentJobError: the
   * submission carries the participant-facing error). Not part of `failed`, the console's alarm
   * count of internal failures.
   */
  rejected: number
}

export async function jobCounts(competitionId?: string): Promise<JobCounts> {
  const scope = competitionId ? { competitionId } : {}
  const [groups, rejected] = await Promise.all([
    db().job.groupBy({ by: ['status'], where: scope, _count: { _all: true } }),
    // The runner writes INTERNAL_ERROR_MESSAGE on the submission for internal faults and the
    // participant's own error otherwise (lib/queue/runner.ts).
    db().job.count({ where: { ...scope, status: 'failed', submission: { is: { status: 'failed', error: { not: INTERNAL_ERROR_MESSAGE } } } } }),
  ])
  const out: JobCounts = { queued: 0, running: 0, done: 0, failed: 0, rejected }
  for (const g of groups) out[g.status] = g._count._all
  out.failed = Math.max(0, out.failed - rejected)
  return out
}

export interface RescoreProgress {
  job: Job
  /** Scoring jobs queued by this rescoring, by status. */
  counts: Record<JobStatus, number>
  total: number
  finished: number
}

/** The latest rescoring of the competition and how far its scoring jobs got. */
export async function rescoreProgress(competition: Competition): Promise<RescoreProgress | null> {
  const job = await db().job.findFirst({ where: { competitionId: competition.id, type: 'rescore-competition' }, orderBy: { createdAt: 'desc' } })
  if (!job) return null
  const groups = await db().job.groupBy({
    by: ['status'],
    where: { competitionId: competition.id, type: { in: ['score-submission', 'run-model'] }, createdAt: { gte: job.createdAt } },
    _count: { _all: true },
  })
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 }
  for (const g of groups) counts[g.status] = g._count._all
  const total = counts.queued + counts.running + counts.done + counts.failed
  return { job, counts, total, finished: counts.done + counts.failed }
}
