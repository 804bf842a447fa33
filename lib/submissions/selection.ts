// A team's final selection: the submissions that count on the private leaderboard.
import { z } from 'zod'
import { db, type Competition, type User } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { canSeePrivate } from '../competitions/competitions.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { invalidateLeaderboard } from '../leaderboards/cache.ts'
import { lockTeam, requireTeam } from '../teams/teams.ts'
import { submissionView, type SubmissionView } from './view.ts'

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
