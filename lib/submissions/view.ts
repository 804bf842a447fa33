// What a submission looks like to its viewer: private and overall scores only where the
// competition's visibility rule (lib/competitions) allows.
import type { Submission, SubmissionKind } from '../platform/db.ts'

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
  /** 95 % half-width of publicScore (t interval over the public images): `publicScore ± this`. */
  publicHalfWidth: number | null
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

/** `showPrivate` is the answer of canSeePrivate (lib/competitions) for the viewer. */
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
    publicHalfWidth: s.publicScore === null ? null : s.publicHalfWidth,
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
