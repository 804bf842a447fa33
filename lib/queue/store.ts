// The Job table operations both queue implementations share: inserting rows, claiming them under
// a lease, and the organizer's views. The claim is one conditional UPDATE, which is atomic on
// SQLite (one writer at a time) and on PostgreSQL (a concurrent UPDATE waits for the row lock and
// then re-evaluates the WHERE clause against the committed row), so two workers can never both
// get count === 1 for the same job.
import type { Db, Job, Prisma } from '../platform/db.ts'
import { ONE_PER_TEAM_TYPES } from './pools.ts'
import type { EnqueueOptions, JobStatus, JobType, ListJobsOptions } from './types.ts'

export const DEFAULT_MAX_ATTEMPTS = 3

export async function insertJob(db: Db, type: JobType, payload: unknown, options: EnqueueOptions = {}): Promise<Job> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`)
  const text = JSON.stringify(payload ?? null)
  return db.job.create({
    data: {
      type,
      payload: text,
      maxAttempts,
      // Set here rather than by the column default: SQLite's CURRENT_TIMESTAMP text would not
      // compare correctly with the ISO strings Prisma writes.
      runAfter: new Date(Date.now() + Math.max(0, options.delayMs ?? 0)),
      submissionId: options.submissionId,
      competitionId: options.competitionId,
    },
  })
}

/** Rows a worker may take now: queued and due, or running under a lease that has expired. */
function claimableWhere(now: Date, ignoreRunAfter: boolean): Prisma.JobWhereInput {
  return {
    OR: [
      ignoreRunAfter ? { status: 'queued' } : { status: 'queued', runAfter: { lte: now } },
      { status: 'running', leaseExpiresAt: { lt: now } },
    ],
  }
}

export interface ClaimOptions {
  workerId: string
  leaseMs: number
  /** Redis mode: BullMQ decides when a job runs, so a queued row is claimable whatever its runAfter. */
  ignoreRunAfter?: boolean
}

/** Claims one job by id; null when it is not claimable (someone holds it, it is finished, or its team already runs a model). */
export async function claimJob(db: Db, id: string, options: ClaimOptions): Promise<Job | null> {
  const claimed = await tryClaimJob(db, id, options)
  return claimed === 'team-busy' ? null : claimed
}

/**
 * Claims one job by id. A model run (ONE_PER_TEAM_TYPES) is claimed only while no other model
 * run of its team holds a live lease: 'team-busy' then, and the job stays queued for later.
 */
export async function tryClaimJob(db: Db, id: string, options: ClaimOptions): Promise<Job | null | 'team-busy'> {
  const row = await db.job.findUnique({ where: { id }, select: { type: true, submission: { select: { teamId: true } } } })
  if (!row) return null
  const teamId = (ONE_PER_TEAM_TYPES as readonly string[]).includes(row.type) ? row.submission?.teamId : null
  if (!teamId) return claimRow(db, id, options)
  return db.$transaction(async (tx) => {
    // Serialises the claimers of one team until commit: on PostgreSQL this takes the team row's
    // lock (READ COMMITTED: the count below then sees a competing claim once it committed), on
    // SQLite the database's write lock.
    await tx.$executeRaw`UPDATE "Team" SET "createdAt" = "createdAt" WHERE "id" = ${teamId}`
    const busy = await tx.job.count({
      where: { id: { not: id }, ...liveModelRunOfTeam(teamId, new Date()) },
    })
    if (busy > 0) return 'team-busy' as const
    return claimRow(tx, id, options)
  })
}

/** A model run of `teamId` that a worker holds right now (its lease has not run out). */
function liveModelRunOfTeam(teamId: string, now: Date): Prisma.JobWhereInput {
  return { ...liveModelRun(now), submission: { teamId } }
}

function liveModelRun(now: Date): Prisma.JobWhereInput {
  return { type: { in: [...ONE_PER_TEAM_TYPES] }, status: 'running', leaseExpiresAt: { gte: now } }
}

async function claimRow(client: { job: Db['job'] }, id: string, options: ClaimOptions): Promise<Job | null> {
  const now = new Date()
  const { count } = await client.job.updateMany({
    where: { id, ...claimableWhere(now, options.ignoreRunAfter ?? false) },
    data: {
      status: 'running',
      leaseOwner: options.workerId,
      leaseExpiresAt: new Date(now.getTime() + options.leaseMs),
      attempts: { increment: 1 },
      startedAt: now,
    },
  })
  if (count !== 1) return null
  const job = await client.job.findUnique({ where: { id } })
  // Re-read under our lease; if it changed hands in between (lease already expired), it is not ours.
  return job && job.leaseOwner === options.workerId && job.status === 'running' ? job : null
}

/** Claims the next due job among `types` (all types when undefined), oldest first, skipping teams that already run a model. */
export async function claimNext(db: Db, options: ClaimOptions & { types?: readonly string[] }): Promise<Job | null> {
  const now = new Date()
  const candidates = await db.job.findMany({
    where: {
      ...claimableWhere(now, false),
      ...(options.types ? { type: { in: [...options.types] } } : {}),
      // Not a model run of a team whose other model run is live: those would only be skipped
      // below, and eight of them would hide every other team's jobs.
      AND: [
        {
          OR: [
            { type: { notIn: [...ONE_PER_TEAM_TYPES] } },
            { submissionId: null },
            { submission: { is: { teamId: null } } },
            { submission: { is: { team: { is: { submissions: { none: { jobs: { some: liveModelRun(now) } } } } } } } },
          ],
        },
      ],
    },
    orderBy: [{ runAfter: 'asc' }, { createdAt: 'asc' }],
    select: { id: true },
    take: 8,
  })
  // Losing a race for one candidate just means trying the next one.
  for (const { id } of candidates) {
    const job = await claimJob(db, id, options)
    if (job) return job
  }
  return null
}

export async function countJobs(db: Db): Promise<Record<JobStatus, number>> {
  const rows = await db.job.groupBy({ by: ['status'], _count: { _all: true } })
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 }
  for (const r of rows) counts[r.status] = r._count._all
  return counts
}

export async function listJobRows(db: Db, options: ListJobsOptions = {}): Promise<Job[]> {
  return db.job.findMany({
    where: { status: options.status, type: options.type, submissionId: options.submissionId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 1000),
  })
}

/**
 * Puts a failed job back in the queue with its attempts reset. Its submission, which the final
 * failure marked failed, goes back to queued so the participant sees it is being scored again.
 */
export async function requeueFailedJob(db: Db, id: string): Promise<Job | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.job.updateMany({
      where: { id, status: 'failed' },
      data: { status: 'queued', attempts: 0, runAfter: new Date(), leaseOwner: null, leaseExpiresAt: null, error: null, progress: 0, message: '', finishedAt: null },
    })
    if (count !== 1) return null
    const job = await tx.job.findUniqueOrThrow({ where: { id } })
    if (job.submissionId) {
      await tx.submission.updateMany({
        where: { id: job.submissionId, status: 'failed' },
        data: { status: 'queued', error: null, errorLine: null, progress: 0 },
      })
    }
    return job
  })
}

/** Hands a job this worker holds back to the queue, without spending the attempt. */
export async function releaseJob(db: Db, id: string, workerId: string): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id, leaseOwner: workerId, status: 'running' },
    data: { status: 'queued', leaseOwner: null, leaseExpiresAt: null, runAfter: new Date(), attempts: { decrement: 1 } },
  })
  return count === 1
}
