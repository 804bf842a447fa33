// Read-model of the submission page: the submission as its viewer may see it, its per-image
// cosines, and the competition's baseline (the `isBaseline` submission) for comparison.
import { db, type User } from '../platform/db.ts'
import { getPerImageScores, getSubmission } from '../submissions/read.ts'
import { readPerImageScores, type PerImageScore } from '../submissions/per-image.ts'
import type { SubmissionView } from '../submissions/view.ts'
import { canSeePrivate } from '../competitions/competitions.ts'
import { isApiError } from '../errors.ts'

export interface BaselineView {
  name: string
  publicScore: number | null
  privateScore: number | null
  /** Per-image scores on the same test-set version as the submission (public only for participants). */
  perImage: PerImageScore[]
}

export interface SubmissionDetail {
  submission: SubmissionView & { competition: string }
  competitionTitle: string
  showPrivate: boolean
  perImage: PerImageScore[]
  baseline: BaselineView | null
  testSetVersion: number | null
}

/** Null when the submission does not exist or the viewer may not see it. */
export async function submissionDetail(viewer: User, id: string): Promise<SubmissionDetail | null> {
  let submission: SubmissionView & { competition: string }
  try {
    submission = await getSubmission(viewer, id)
  } catch (err) {
    if (isApiError(err) && err.status === 404) return null
    throw err
  }
  const row = await db().submission.findUniqueOrThrow({
    where: { id },
    select: { testSetId: true, competition: true },
  })
  const version = row.testSetId ? await db().testSetVersion.findUnique({ where: { id: row.testSetId }, select: { version: true } }) : null
  const competition = row.competition
  const showPrivate = canSeePrivate(viewer, competition)
  const perImage = submission.status === 'scored' ? await getPerImageScores(viewer, id).catch(() => []) : []
  const base = await db().submission.findFirst({
    where: { competitionId: competition.id, isBaseline: true, status: 'scored' },
    orderBy: { createdAt: 'asc' },
    include: { scores: { where: { testSetId: row.testSetId ?? '' } } },
  })
  let baseline: BaselineView | null = null
  if (base) {
    // Same test-set version as the submission, so the images line up.
    const sameVersion = base.scores[0] ?? (base.testSetId === row.testSetId ? base : null)
    let basePerImage: PerImageScore[] = []
    if (sameVersion?.perImageKey && row.testSetId) {
      basePerImage = (await readPerImageScores(sameVersion.perImageKey).catch(() => [])).filter((r) => viewer.role === 'organizer' || r.public)
    }
    baseline = {
      name: base.description || base.fileName || 'Baseline',
      publicScore: sameVersion?.publicScore ?? base.publicScore,
      privateScore: showPrivate ? (sameVersion?.privateScore ?? base.privateScore) : null,
      perImage: basePerImage,
    }
  }
  return { submission, competitionTitle: competition.title, showPrivate, perImage, baseline, testSetVersion: version?.version ?? null }
}
