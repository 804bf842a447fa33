// Join and merge requests: holding a team's invite code no longer lets anyone into it; the code
// asks, and the receiving team's captain (its earliest member) accepts or declines on the team
// page. The rules (merger deadline, team size, Kaggle's merge allowance) are those of teams.ts:
// checked when asked, for an early answer, and again when the captain accepts.
import { isVisibleTo } from '../competitions/competitions.ts'
import { db, type Competition, type User } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { conflict, forbidden, isUniqueViolation, notFound } from '../errors.ts'
import { invalidateLeaderboard } from '../leaderboards/cache.ts'
import { captainOf, checkMergeRules, joinTeamByCode, mergeTeams, mergerDeadlineOf, teamOf, teamView, type TeamView } from './teams.ts'

export type TeamRequestKind = 'join' | 'merge'

export interface TeamRequestView {
  id: string
  kind: TeamRequestKind
  /** The receiving team. */
  teamId: string
  teamName: string
  /** Who asked; for a merge, also the team that would move in. */
  userName: string
  fromTeamName: string | null
  /** Members that would join: 1 for a join, the requesting team's size for a merge. */
  members: number
  createdAt: Date
}

export interface TeamRequests {
  /** Requests to the viewer's team; only its captain may decide them. */
  incoming: TeamRequestView[]
  /** The viewer's own pending requests. */
  outgoing: TeamRequestView[]
}

type Row = { id: string; teamId: string; userId: string; fromTeamId: string | null; createdAt: Date; team: { name: string }; user: { name: string } }

async function views(rows: Row[]): Promise<TeamRequestView[]> {
  const fromIds = [...new Set(rows.map((r) => r.fromTeamId).filter((id): id is string => id !== null))]
  const fromTeams = new Map(
    (await db().team.findMany({ where: { id: { in: fromIds } }, select: { id: true, name: true, _count: { select: { members: true } } } })).map((t) => [t.id, t]),
  )
  return rows.map((r) => {
    const from = r.fromTeamId ? fromTeams.get(r.fromTeamId) : undefined
    return {
      id: r.id,
      kind: r.fromTeamId ? 'merge' : 'join',
      teamId: r.teamId,
      teamName: r.team.name,
      userName: r.user.name,
      fromTeamName: from?.name ?? null,
      members: from ? from._count.members : 1,
      createdAt: r.createdAt,
    }
  })
}

const include = { team: { select: { name: true } }, user: { select: { name: true } } } as const

/** Records the request (asking again replaces an earlier one to the same team). */
async function record(user: User, competitionId: string, teamId: string, fromTeamId: string | null): Promise<TeamRequestView> {
  const data = { competitionId, teamId, userId: user.id, fromTeamId, createdAt: now() }
  try {
    const row = await db().teamRequest.upsert({ where: { teamId_userId: { teamId, userId: user.id } }, create: data, update: data, include })
    return (await views([row]))[0]
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('You already asked this team', 'request_exists')
    throw err
  }
}

/** Asks to join the team that owns `inviteCode` (the caller must have no team in its competition). */
export async function requestToJoin(user: User, inviteCode: string): Promise<{ competition: Competition; request: TeamRequestView }> {
  const team = await db().team.findUnique({ where: { inviteCode }, include: { competition: true } })
  // A draft's invite codes open nothing for those who may not see the draft.
  if (!team || !isVisibleTo(user, team.competition)) throw notFound('No team has this invite code')
  const competition = team.competition
  if (now() >= mergerDeadlineOf(competition)) throw conflict('The team merger deadline has passed', 'merger_deadline')
  if (await teamOf(user.id, competition.id)) throw conflict('You already have a team in this competition; merge your team instead', 'already_in_team')
  const size = await db().teamMember.count({ where: { teamId: team.id } })
  if (size >= competition.maxTeamSize) throw conflict(`The team is full (at most ${competition.maxTeamSize} members)`, 'team_full')
  return { competition, request: await record(user, competition.id, team.id, null) }
}

/** Asks to merge the caller's team into the team that owns `inviteCode`; only the caller's captain may ask. */
export async function requestMerge(user: User, competition: Competition, inviteCode: string): Promise<TeamRequestView> {
  const at = now()
  if (at >= mergerDeadlineOf(competition)) throw conflict('The team merger deadline has passed', 'merger_deadline')
  const source = await teamOf(user.id, competition.id)
  if (!source) throw notFound('You have no team in this competition')
  const target = await db().team.findUnique({ where: { inviteCode } })
  if (!target || target.competitionId !== competition.id) throw notFound('No team of this competition has this invite code')
  if (target.id === source.id) throw conflict('That is your own team', 'same_team')
  if ((await captainOf(db(), source.id)) !== user.id) throw forbidden('Only your team’s captain (its earliest member) can ask for a merge')
  await checkMergeRules(db(), competition, source.id, target.id, at)
  return record(user, competition.id, target.id, source.id)
}

/** Requests to the viewer's team and the viewer's own. */
export async function listTeamRequests(user: User, competition: Competition): Promise<TeamRequests> {
  const team = await teamOf(user.id, competition.id)
  const [incoming, outgoing] = await Promise.all([
    team ? db().teamRequest.findMany({ where: { teamId: team.id }, include, orderBy: { createdAt: 'asc' } }) : [],
    db().teamRequest.findMany({ where: { competitionId: competition.id, userId: user.id }, include, orderBy: { createdAt: 'asc' } }),
  ])
  return { incoming: await views(incoming), outgoing: await views(outgoing) }
}

export type Decision = 'accept' | 'decline'

export interface DecisionResult {
  decision: Decision
  kind: TeamRequestKind
  team: TeamView
  /** Who joined, or the name of the team that merged in. */
  who: string
}

/**
 * The captain of the receiving team accepts or declines. Accepting carries the join or merge out
 * under teams.ts's rules at this moment (a team grown full meanwhile refuses); a merge request whose
 * requester has changed teams since is stale and refused. The request is gone afterwards either way,
 * except when accepting fails on a rule (the captain sees why and may decline).
 */
export async function decideTeamRequest(captain: User, competition: Competition, requestId: string, decision: Decision): Promise<DecisionResult> {
  const request = await db().teamRequest.findUnique({ where: { id: requestId }, include: { user: true, team: true } })
  if (!request || request.competitionId !== competition.id) throw notFound('No such request')
  if ((await captainOf(db(), request.teamId)) !== captain.id) throw notFound('No such request')
  const kind: TeamRequestKind = request.fromTeamId ? 'merge' : 'join'
  if (decision === 'decline') {
    await db().teamRequest.deleteMany({ where: { id: request.id } })
    return { decision, kind, team: await teamView(request.teamId), who: request.user.name }
  }
  if (kind === 'join') {
    if (await teamOf(request.userId, competition.id)) {
      // The requester has found (or started) a team meanwhile.
      await db().teamRequest.deleteMany({ where: { id: request.id } })
      throw conflict(`${request.user.name} is in a team now; the request was removed`, 'request_stale')
    }
    const { team } = await joinTeamByCode(request.user, request.team.inviteCode)
    // Joined: the requester's other requests in this competition no longer apply.
    await db().teamRequest.deleteMany({ where: { competitionId: competition.id, userId: request.userId } })
    invalidateLeaderboard(competition.id)
    return { decision, kind, team, who: request.user.name }
  }
  const current = await teamOf(request.userId, competition.id)
  if (!current || current.id !== request.fromTeamId) {
    await db().teamRequest.deleteMany({ where: { id: request.id } })
    throw conflict('The requesting team has changed since it asked; the request was removed', 'request_stale')
  }
  const { team, mergedTeamName } = await mergeTeams(request.user, competition, request.team.inviteCode)
  await db().teamRequest.deleteMany({ where: { competitionId: competition.id, userId: request.userId } })
  // The board lists teams with their members and best scores: both changed.
  invalidateLeaderboard(competition.id)
  return { decision, kind, team, who: mergedTeamName }
}

/** The requester takes a pending request back. */
export async function withdrawTeamRequest(user: User, competition: Competition, requestId: string): Promise<void> {
  const { count } = await db().teamRequest.deleteMany({ where: { id: requestId, userId: user.id, competitionId: competition.id } })
  if (count === 0) throw notFound('No such request')
}

/** Renames the team: its captain only, before the deadline; names are unique in a competition. */
export async function renameTeam(user: User, competition: Competition, name: string): Promise<TeamView> {
  const team = await teamOf(user.id, competition.id)
  if (!team) throw notFound('You have no team in this competition')
  if ((await captainOf(db(), team.id)) !== user.id) throw forbidden('Only your team’s captain (its earliest member) can rename it')
  if (now() >= competition.deadline) throw conflict('Teams cannot be renamed after the deadline', 'competition_over')
  try {
    await db().team.update({ where: { id: team.id }, data: { name } })
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Another team of this competition is called '${name}'`, 'name_taken')
    throw err
  }
  invalidateLeaderboard(competition.id)
  return teamView(team.id)
}
