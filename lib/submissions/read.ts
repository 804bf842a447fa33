// Reading submissions: a team's list with its quota, one submission, its per-image scores. A
// submission is visible to its team's members and to organizers; everyone else gets 404 (no
// probing of ids).
import { db, type Competition, type User } from '../platform/db.ts'
import { canSeePrivate } from '../competitions/competitions.ts'
import { conflict, notFound } from '../errors.ts'
import { requireTeam } from '../teams/teams.ts'
import { distribution, type Distribution } from './distribution.ts'
import { readPerImageScores, type PerImageScore } from './per-image.ts'
import { teamQuota, type Quota } from './quota.ts'
import { submissionView, type SubmissionView } from './view.ts'

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

/** The submission if the viewer may see it (its team's members, organizers), else 404. */
export async function loadVisibleSubmission(viewer: User, id: string) {
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

/** What a viewer may see of a submission's per-image scores (see distribution.ts for why). */
export type PerImageScoresView =
  /** Participants: the distribution over the public images; no image ids, values rounded. */
  | { scope: 'participant'; public: Distribution }
  /** Organizers: the full table, and both distributions. */
  | { scope: 'organizer'; images: PerImageScore[]; public: Distribution; private: Distribution }

/**
 * The per-image rows a viewer may see: organizers all of them, participants the public images
 * only, always (private rows would leak the private split and answers). Callers that serve
 * participants pass these through `distribution()`, never as they are.
 */
export async function visiblePerImageRows(viewer: User, id: string): Promise<PerImageScore[]> {
  const s = await loadVisibleSubmission(viewer, id)
  if (s.status !== 'scored' || !s.perImageKey) throw conflict('The submission has no scores yet', 'not_scored')
  const rows = await readPerImageScores(s.perImageKey)
  return viewer.role === 'organizer' ? rows : rows.filter((r) => r.public)
}

/** Per-image scores of a scored submission as the viewer may see them. */
export async function getPerImageScores(viewer: User, id: string): Promise<PerImageScoresView> {
  const rows = await visiblePerImageRows(viewer, id)
  const pub = distribution(rows.filter((r) => r.public).map((r) => r.score))
  if (viewer.role !== 'organizer') return { scope: 'participant', public: pub }
  return { scope: 'organizer', images: rows, public: pub, private: distribution(rows.filter((r) => !r.public).map((r) => r.score)) }
}
