// A competition's optional rules: a participant accepts them when joining, and the acceptance is
// recorded on the membership (TeamMember.rulesAcceptedAt).
import { db, type Competition, type User } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { badRequest } from '../errors.ts'
import { joinCompetition, type TeamView } from '../teams/teams.ts'

export function hasRules(competition: Pick<Competition, 'rules'>): boolean {
  return competition.rules.trim() !== ''
}

/**
 * Joins as a one-person team (joinCompetition) once the rules, when there are any, are accepted
 * (400 rules_not_accepted otherwise); records when they were accepted.
 */
export async function joinAcceptingRules(user: User, competition: Competition, acceptedRules: boolean): Promise<TeamView> {
  const member = await db().teamMember.findUnique({ where: { competitionId_userId: { competitionId: competition.id, userId: user.id } }, select: { id: true } })
  if (hasRules(competition) && !acceptedRules && !member) {
    throw badRequest('This competition has rules: read them on its overview page and accept them to join', 'rules_not_accepted')
  }
  const team = await joinCompetition(user, competition)
  if (hasRules(competition) && acceptedRules) {
    await db().teamMember.updateMany({ where: { competitionId: competition.id, userId: user.id, rulesAcceptedAt: null }, data: { rulesAcceptedAt: now() } })
  }
  return team
}
