// Read-model of the submission page: the submission as its viewer may see it, the distribution of
// its per-image cosines (never the table: lib/submissions/distribution.ts), and the competition's
// baseline (the `isBaseline` submission) on the same histogram bins for comparison.
import { db, type User } from '../platform/db.ts'
import { getSubmission, visiblePerImageRows } from '../submissions/read.ts'
import { readPerImageScores, type PerImageScore } from '../submissions/per-image.ts'
import { distribution, histogramEdges, type Distribution } from '../submissions/distribution.ts'
import type { SubmissionView } from '../submissions/view.ts'
import { canSeePrivate } from '../competitions/competitions.ts'
import { isApiError } from '../errors.ts'

export interface BaselineView {
  name: string
  publicScore: number | null
  privateScore: number | null
}

/** One histogram of the page: the submission's and the baseline's distributions on shared edges. */
export interface HistogramView {
  edges: number[]
  submission: Distribution
  /** On the same test-set version as the submission; null without a scored baseline. */
  baseline: Distribution | null
}

export interface SubmissionDetail {
  submission: SubmissionView & { competition: string }
  competitionTitle: string
  showPrivate: boolean
  /** Public images for everyone; private images for organizers only (else null). */
  histograms: { public: HistogramView | null; private: HistogramView | null }
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
  const perImage = submission.status === 'scored' ? await visiblePerImageRows(viewer, id).catch(() => []) : []
  const base = await db().submission.findFirst({
    where: { competitionId: competition.id, isBaseline: true, status: 'scored' },
    orderBy: { createdAt: 'asc' },
    include: { scores: { where: { testSetId: row.testSetId ?? '' } } },
  })
  let baseline: BaselineView | null = null
  let basePerImage: PerImageScore[] = []
  if (base) {
    // Same test-set version as the submission, so the images line up.
    const sameVersion = base.scores[0] ?? (base.testSetId === row.testSetId ? base : null)
    if (sameVersion?.perImageKey && row.testSetId) {
      basePerImage = (await readPerImageScores(sameVersion.perImageKey).catch(() => [])).filter((r) => viewer.role === 'organizer' || r.public)
    }
    baseline = {
      name: base.description || base.fileName || 'Baseline',
      publicScore: sameVersion?.publicScore ?? base.publicScore,
      privateScore: showPrivate ? (sameVersion?.privateScore ?? base.privateScore) : null,
    }
  }
  const histogram = (pub: boolean): HistogramView | null => {
    const mine = perImage.filter((r) => r.public === pub).map((r) => r.score)
    if (mine.length === 0) return null
    const theirs = basePerImage.filter((r) => r.public === pub).map((r) => r.score)
    const edges = histogramEdges([mine, theirs])
    return { edges, submission: distribution(mine, edges), baseline: theirs.length > 0 ? distribution(theirs, edges) : null }
  }
  const histograms = { public: histogram(true), private: viewer.role === 'organizer' ? histogram(false) : null }
  return { submission, competitionTitle: competition.title, showPrivate, histograms, baseline, testSetVersion: version?.version ?? null }
}
