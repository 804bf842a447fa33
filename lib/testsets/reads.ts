// What organizers and participants read of test sets: the versions with their import progress
// (never the truth, prompts or the split) and the active version's sample submission.
import { db, type Competition, type Job, type TestSetVersion } from '../platform/db.ts'
import { storage } from '../platform/storage.ts'
import { notFound } from '../errors.ts'
import { requireCompetition } from '../competitions/competitions.ts'

export async function getTestSetVersion(competitionSlug: string, versionNumber: number): Promise<TestSetVersion> {
  const competition = await requireCompetition(competitionSlug)
  const version = await db().testSetVersion.findUnique({ where: { competitionId_version: { competitionId: competition.id, version: versionNumber } } })
  if (!version) throw notFound(`Competition '${competitionSlug}' has no test-set version ${versionNumber}`)
  return version
}

/** What organizers see of a version (never the truth, prompts or the split). */
export interface TestSetView {
  id: string
  version: number
  status: TestSetVersion['status']
  error: string | null
  active: boolean
  imageCount: number
  publicCount: number
  publicFraction: number
  seed: number
  dim: number
  note: string
  createdAt: Date
  activatedAt: Date | null
  /** Import progress in [0,1] and its status line while processing (from the import job). */
  progress: number | null
  message: string | null
  jobId: string | null
}

/** The version an 'import-testset' job imports. */
export function payloadVersionId(job: Pick<Job, 'payload'>): string | undefined {
  try {
    const p: unknown = JSON.parse(job.payload)
    if (typeof p === 'object' && p !== null && 'versionId' in p && typeof p.versionId === 'string') return p.versionId
  } catch {
    // not ours
  }
  return undefined
}

export function testSetView(v: TestSetVersion, activeTestSetId: string | null, job?: Job): TestSetView {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    error: v.error,
    active: v.id === activeTestSetId,
    imageCount: v.imageCount,
    publicCount: v.publicCount,
    publicFraction: v.publicFraction,
    seed: v.seed,
    dim: v.dim,
    note: v.note,
    createdAt: v.createdAt,
    activatedAt: v.activatedAt,
    progress: v.status === 'ready' ? 1 : job ? job.progress : null,
    message: job ? job.message || null : null,
    jobId: job?.id ?? null,
  }
}

/** The versions of a competition, newest first, with the progress of their import jobs. */
export async function listTestSets(competitionSlug: string): Promise<TestSetView[]> {
  const competition = await requireCompetition(competitionSlug)
  const versions = await db().testSetVersion.findMany({ where: { competitionId: competition.id }, orderBy: { version: 'desc' } })
  const jobs = await db().job.findMany({ where: { competitionId: competition.id, type: 'import-testset' }, orderBy: { createdAt: 'desc' } })
  const jobByVersion = new Map<string, Job>()
  for (const job of jobs) {
    const id = payloadVersionId(job)
    if (id && !jobByVersion.has(id)) jobByVersion.set(id, job)
  }
  // Read the pointer after the versions: a version that reads as ready was activated (or not) in
  // the same transaction, so this read sees its activation.
  const pointer = await db().competition.findUnique({ where: { id: competition.id }, select: { activeTestSetId: true } })
  return versions.map((v) => testSetView(v, pointer?.activeTestSetId ?? null, jobByVersion.get(v.id)))
}

export interface SampleSubmission {
  key: string
  size: number
  fileName: string
  version: number
}

/** The active version's sample submission (public: it holds no truth). */
export async function sampleSubmission(competitionSlug: string): Promise<SampleSubmission> {
  const competition = await requireCompetition(competitionSlug)
  if (!competition.activeTestSetId) throw notFound(`Competition '${competitionSlug}' has no active test set yet`)
  const version = await db().testSetVersion.findUnique({ where: { id: competition.activeTestSetId } })
  if (!version?.sampleKey) throw notFound(`Competition '${competitionSlug}' has no sample submission yet`)
  return { key: version.sampleKey, size: await storage().size(version.sampleKey), fileName: 'sample_submission.csv', version: version.version }
}

/** The competition's active test-set version when it is ready to score against, else null. */
export async function readyActiveTestSet(competition: Pick<Competition, 'activeTestSetId'>): Promise<TestSetVersion | null> {
  if (!competition.activeTestSetId) return null
  const v = await db().testSetVersion.findUnique({ where: { id: competition.activeTestSetId } })
  return v?.status === 'ready' ? v : null
}

/**
 * The first `n` image ids of a version, in test-set order: the data page's format example uses
 * them (the sample submission lists every test id anyway, so they are no secret).
 */
export async function firstImageIds(testSetId: string, n: number): Promise<string[]> {
  const rows = await db().testImage.findMany({ where: { testSetId }, orderBy: { position: 'asc' }, take: n, select: { imageId: true } })
  return rows.map((r) => r.imageId)
}

/** The active version's real split and when it became active, as participants are told it. */
export interface ActiveSplit {
  version: number
  imageCount: number
  publicCount: number
  /** publicCount / imageCount: the share the public leaderboard really uses. */
  publicShare: number
  activatedAt: Date | null
  /** True when an earlier version was active before (participants are told the test set changed). */
  replacedEarlier: boolean
}

export async function activeSplit(competition: Pick<Competition, 'id' | 'activeTestSetId'>): Promise<ActiveSplit | null> {
  if (!competition.activeTestSetId) return null
  const [v, activatedVersions] = await Promise.all([
    db().testSetVersion.findUnique({ where: { id: competition.activeTestSetId } }),
    db().testSetVersion.count({ where: { competitionId: competition.id, activatedAt: { not: null } } }),
  ])
  if (!v || v.imageCount === 0) return null
  return {
    version: v.version,
    imageCount: v.imageCount,
    publicCount: v.publicCount,
    publicShare: v.publicCount / v.imageCount,
    activatedAt: v.activatedAt,
    replacedEarlier: activatedVersions > 1,
  }
}

/** What activating a version would do, for the organizer's confirmation. */
export interface ActivationEffect {
  version: TestSetView
  /** Finished submissions that get a scoring job (rescoreForTestSet). */
  rescored: number
  /** Finished submissions that take back their earlier scores for this version. */
  reused: number
  /** Submissions still queued or running: scored against the new version by their pending job. */
  pending: number
}

export async function activationEffect(competitionSlug: string, versionNumber: number): Promise<ActivationEffect> {
  const competition = await requireCompetition(competitionSlug)
  const version = await getTestSetVersion(competitionSlug, versionNumber)
  // Not yet on this version; SQL's NOT would drop the null testSetId of never-scored ones.
  const elsewhere = { OR: [{ testSetId: null }, { testSetId: { not: version.id } }] }
  const [finished, reused, pending] = await Promise.all([
    db().submission.count({ where: { competitionId: competition.id, status: { in: ['scored', 'failed'] }, ...elsewhere } }),
    db().submission.count({
      where: { competitionId: competition.id, status: { in: ['scored', 'failed'] }, ...elsewhere, scores: { some: { testSetId: version.id, error: null, score: { not: null } } } },
    }),
    db().submission.count({ where: { competitionId: competition.id, status: { in: ['queued', 'running'] } } }),
  ])
  return { version: testSetView(version, competition.activeTestSetId), rescored: finished - reused, reused, pending }
}
