// Submissions: streamed upload to storage, the daily limit, queueing the scoring job, the team's
// list, final selection and organizer rescoring. Scoring itself never runs inside a request.
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { z } from 'zod'
import { config } from './config.ts'
import { db, type Competition, type Submission, type SubmissionKind, type User } from './db.ts'
import { now } from './clock.ts'
import { ApiError, badRequest, conflict, notFound } from './http.ts'
import { MultipartError } from './multipart.ts'
import { queue } from './queue/index.ts'
import type { JobType } from './queue/types.ts'
import { storage, StorageLimitError } from './storage.ts'
import { lockTeam, requireTeam } from './teams.ts'
import type { IncomingUpload } from './uploads.ts'
import { invalidateLeaderboard } from './leaderboard.ts'

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

/** Submissions count against the day (UTC) they were made; failed ones are given back, except model runs that had started. */
export async function countToday(client: Pick<ReturnType<typeof db>, 'submission'>, teamId: string, at: Date): Promise<number> {
  // A failed submission gives its slot back, except a model run that had started on the hidden
  // images (lib/jobs/run-model.ts sets startedAt then): else a failing model could probe them forever.
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

const kindSchema = z.enum(['csv', 'prompts', 'model'])

/** The kind named by the client, else guessed from the file name (.onnx = model, otherwise CSV). */
function kindOf(named: string | undefined, fileName: string): SubmissionKind {
  if (named !== undefined && named !== '') {
    const parsed = kindSchema.safeParse(named)
    if (!parsed.success) throw badRequest(`kind must be csv, prompts or model, got '${named}'`, 'invalid_kind')
    return parsed.data
  }
  return fileName.toLowerCase().endsWith('.onnx') ? 'model' : 'csv'
}

export function safeFileName(name: string): string {
  const base = path.posix.basename(name.replace(/\\/g, '/')).replace(/[^A-Za-z0-9._-]+/g, '_').slice(-120)
  return base === '' || base === '.' || base === '..' ? 'submission.csv' : base
}

export const JOB_FOR_KIND: Record<SubmissionKind, JobType> = { csv: 'score-submission', prompts: 'score-submission', model: 'run-model' }

export interface SubmissionView {
  id: string
  kind: SubmissionKind
  fileName: string
  fileSize: number
  description: string
  status: Submission['status']
  progress: number
  error: string | null
  errorLine: number | null
  publicScore: number | null
  /** Null for participants until the private leaderboard is revealed. */
  privateScore: number | null
  /** Mean over all images (mixes in private images): hidden like privateScore. */
  score: number | null
  selected: boolean
  late: boolean
  isBaseline: boolean
  teamId: string | null
  submittedBy: string | null
  createdAt: Date
  scoredAt: Date | null
}

/** Private information shows only to organizers, and to everyone once the organizer revealed it. */
export function canSeePrivate(viewer: Pick<User, 'role'> | null, competition: Pick<Competition, 'privateRevealedAt'>): boolean {
  return viewer?.role === 'organizer' || competition.privateRevealedAt !== null
}

export function submissionView(s: Submission & { user?: { name: string } | null }, showPrivate: boolean): SubmissionView {
  return {
    id: s.id,
    kind: s.kind,
    fileName: s.fileName,
    fileSize: s.fileSize,
    description: s.description,
    status: s.status,
    progress: s.progress,
    error: s.error,
    errorLine: s.errorLine,
    publicScore: s.publicScore,
    privateScore: showPrivate ? s.privateScore : null,
    score: showPrivate ? s.score : null,
    selected: s.selected,
    late: s.late,
    isBaseline: s.isBaseline,
    teamId: s.teamId,
    submittedBy: s.user?.name ?? null,
    createdAt: s.createdAt,
    scoredAt: s.scoredAt,
  }
}

export interface CreatedSubmission {
  submission: SubmissionView
  quota: Quota
}

/**
 * Stores an upload and queues it for scoring. The daily limit is checked twice: cheaply before the
 * upload (so a team over its limit does not send 500 MB for nothing), and authoritatively in the
 * transaction that creates the row, under a lock on the team, so concurrent uploads cannot exceed it.
 */
export async function createSubmission(user: User, competition: Competition, upload: IncomingUpload): Promise<CreatedSubmission> {
  const team = await requireTeam(user, competition)
  const started = now()
  if (started < competition.startAt) throw conflict('The competition has not started yet', 'not_started')
  const early = quotaOf(competition, await countToday(db(), team.id, started), started)
  if (early.remaining <= 0) throw dailyLimitError(early)

  const preFields = upload.fields()
  const preKind = preFields.kind ? kindOf(preFields.kind, upload.fileName) : kindOf(undefined, upload.fileName)
  if (preKind === 'model') {
    // Models need their manifest and a graph check before queuing: lib/model-submissions.ts.
    const { createModelSubmission } = await import('./model-submissions.ts')
    return createModelSubmission(user, competition, { fileName: upload.fileName, stream: upload.stream, fields: upload.fields })
  }
  const limitBytes = config().uploadLimitBytes
  const fileName = safeFileName(upload.fileName)
  const key = `submissions/${competition.id}/${randomUUID()}/${fileName}`
  let size: number
  try {
    size = (await storage().put(key, upload.stream, { limitBytes })).size
  } catch (err) {
    await storage().delete(key).catch(() => {})
    if (err instanceof StorageLimitError || (err instanceof Error && err.name === 'StorageLimitError')) {
      throw new ApiError(413, 'too_large', (err as Error).message)
    }
    if (err instanceof MultipartError) throw badRequest(err.message, 'bad_multipart')
    throw err
  }
  if (size === 0) {
    await storage().delete(key)
    throw badRequest('The uploaded file is empty', 'empty_file')
  }
  const fields = upload.fields()
  const kind = kindOf(fields.kind, upload.fileName)
  const description = (fields.description ?? fields.message ?? '').slice(0, 1000)

  const at = now()
  let created: Submission
  try {
    created = await db().$transaction(async (tx) => {
      await lockTeam(tx, team.id)
      const q = quotaOf(competition, await countToday(tx, team.id, at), at)
      if (q.remaining <= 0) throw dailyLimitError(q)
      return tx.submission.create({
        data: {
          competitionId: competition.id,
          teamId: team.id,
          userId: user.id,
          kind,
          fileKey: key,
          fileName: upload.fileName.slice(0, 255) || fileName,
          fileSize: size,
          description,
          status: 'queued',
          late: at >= competition.deadline,
          createdAt: at,
        },
      })
    })
  } catch (err) {
    await storage().delete(key).catch(() => {})
    throw err
  }
  try {
    await queue().enqueue(JOB_FOR_KIND[kind], { submissionId: created.id }, { submissionId: created.id, competitionId: competition.id })
  } catch (err) {
    await db().submission.update({ where: { id: created.id }, data: { status: 'failed', error: 'The submission could not be queued for scoring; please submit again' } })
    throw err
  }
  return { submission: submissionView({ ...created, user }, false), quota: quotaOf(competition, await countToday(db(), team.id, at), at) }
}

export interface TeamSubmissions {
  submissions: SubmissionView[]
  quota: Quota
  finalSelectionLimit: number
}

export async function listTeamSubmissions(user: User, competition: Competition): Promise<TeamSubmissions> {
  const team = await requireTeam(user, competition)
  const rows = await db().submission.findMany({
    where: { teamId: team.id },
    include: { user: { select: { name: true } } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  })
  const showPrivate = canSeePrivate(user, competition)
  return {
    submissions: rows.map((s) => submissionView(s, showPrivate)),
    quota: await teamQuota(competition, team.id),
    finalSelectionLimit: competition.finalSelectionLimit,
  }
}

/** A submission for its team's members and for organizers; 404 for everyone else (no probing). */
async function loadVisibleSubmission(viewer: User, id: string) {
  const s = await db().submission.findUnique({ where: { id }, include: { competition: true, user: { select: { name: true } } } })
  if (!s) throw notFound('No such submission')
  if (viewer.role !== 'organizer') {
    const member = s.teamId ? await db().teamMember.findFirst({ where: { teamId: s.teamId, userId: viewer.id } }) : null
    if (!member) throw notFound('No such submission')
  }
  return s
}

export async function getSubmission(viewer: User, id: string): Promise<SubmissionView & { competition: string }> {
  const s = await loadVisibleSubmission(viewer, id)
  return { ...submissionView(s, canSeePrivate(viewer, s.competition)), competition: s.competition.slug }
}

export interface PerImageScore {
  imageId: string
  public: boolean
  score: number
}

/**
 * Per-image cosines of a scored submission. Participants get the public images only, always
 * (private per-image scores would leak the private split and answers); organizers get all.
 */
export async function getPerImageScores(viewer: User, id: string): Promise<PerImageScore[]> {
  const s = await loadVisibleSubmission(viewer, id)
  if (s.status !== 'scored' || !s.perImageKey) throw conflict('The submission has no scores yet', 'not_scored')
  const text = (await storage().readBuffer(s.perImageKey)).toString('utf8')
  const rows: PerImageScore[] = []
  for (const line of text.split('\n').slice(1)) {
    if (line === '') continue
    const [imageId, isPublic, score] = line.split(',')
    rows.push({ imageId, public: isPublic === '1', score: Number(score) })
  }
  return viewer.role === 'organizer' ? rows : rows.filter((r) => r.public)
}

export const selectionSchema = z.object({ submissionIds: z.array(z.string().min(1)).max(100) })

/**
 * Replaces the team's final selection (before the deadline). Only the team's own scored, on-time
 * submissions can be selected. Selecting none means the best public submissions count.
 */
export async function selectSubmissions(user: User, competition: Competition, ids: string[]): Promise<SubmissionView[]> {
  const team = await requireTeam(user, competition)
  if (now() >= competition.deadline) throw conflict('Final submissions can no longer be changed after the deadline', 'deadline_passed')
  const unique = [...new Set(ids)]
  if (unique.length > competition.finalSelectionLimit) {
    throw badRequest(`At most ${competition.finalSelectionLimit} submissions can be selected`, 'too_many_selected')
  }
  await db().$transaction(async (tx) => {
    await lockTeam(tx, team.id)
    const rows = await tx.submission.findMany({ where: { id: { in: unique }, teamId: team.id } })
    if (rows.length !== unique.length) throw notFound('Some of these submissions are not your team’s')
    const unusable = rows.find((r) => r.status !== 'scored' || r.late)
    if (unusable) throw conflict(`Submission ${unusable.id} cannot be selected: only scored, on-time submissions count`, 'not_selectable')
    await tx.submission.updateMany({ where: { teamId: team.id, selected: true }, data: { selected: false } })
    if (unique.length > 0) await tx.submission.updateMany({ where: { id: { in: unique } }, data: { selected: true } })
  })
  invalidateLeaderboard(competition.id)
  const selected = await db().submission.findMany({ where: { teamId: team.id, selected: true }, include: { user: { select: { name: true } } }, orderBy: { createdAt: 'asc' } })
  return selected.map((s) => submissionView(s, canSeePrivate(user, competition)))
}

/**
 * Organizer: queues every submission of the competition for scoring against the active test set
 * (e.g. after a new test-set version). Only scored submissions are queued (failed ones were
 * invalid files and stay failed; queued/running ones will use the active set anyway). They keep their current scores (and their place on the leaderboard) until re-scored.
 */
export async function rescoreCompetition(competition: Competition): Promise<{ queued: number }> {
  if (!competition.activeTestSetId) throw conflict('The competition has no active test set', 'no_test_set')
  const rows = await db().submission.findMany({
    where: { competitionId: competition.id, status: 'scored' },
    select: { id: true, kind: true },
  })
  for (const s of rows) {
    await queue().enqueue(JOB_FOR_KIND[s.kind], { submissionId: s.id }, { submissionId: s.id, competitionId: competition.id })
  }
  return { queued: rows.length }
}
