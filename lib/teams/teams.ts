// Teams: everyone competes as a team (a one-person team at first), teams grow by invite code or
// by merging. Size and submission-count rules are checked inside a transaction that first locks
// the teams involved, so concurrent joins/merges cannot overshoot the limits.
import { randomBytes } from 'node:crypto'
import { db, type Competition, type Team, type User } from '../platform/db.ts'
import type { TxClient } from '../queue/types.ts'
import { now } from '../platform/clock.ts'
import { ApiError, conflict, notFound } from '../errors.ts'

const DAY_MS = 86_400_000

export function newInviteCode(): string {
  return randomBytes(9).toString('base64url')
}

/**
 * Takes a write lock on the team row for the rest of the transaction: PostgreSQL row lock;
 * on SQLite, the first write of a transaction takes the database write lock.
 */
export async function lockTeam(tx: TxClient, teamId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "Team" SET "name" = "name" WHERE "id" = ${teamId}`
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002'
}

/** Members in joining order; the first is the captain (ties, e.g. a merge, broken by id). */
export const CAPTAIN_FIRST = [{ joinedAt: 'asc' as const }, { id: 'asc' as const }]

/** The user id of the team's captain (its earliest member). */
export async function captainOf(client: Pick<ReturnType<typeof db>, 'teamMember'>, teamId: string): Promise<string | null> {
  return (await client.teamMember.findFirst({ where: { teamId }, orderBy: CAPTAIN_FIRST, select: { userId: true } }))?.userId ?? null
}

export function mergerDeadlineOf(c: Pick<Competition, 'mergerDeadline' | 'deadline'>): Date {
  return c.mergerDeadline ?? c.deadline
}

export interface TeamMemberView {
  userId: string
  name: string
  joinedAt: Date
  /** The earliest member: renames the team and accepts or declines join and merge requests. */
  captain: boolean
}

export interface TeamView {
  id: string
  name: string
  inviteCode: string
  createdAt: Date
  members: TeamMemberView[]
}

export async function teamView(teamId: string): Promise<TeamView> {
  const t = await db().team.findUniqueOrThrow({
    where: { id: teamId },
    include: { members: { include: { user: { select: { name: true } } }, orderBy: CAPTAIN_FIRST } },
  })
  return {
    id: t.id,
    name: t.name,
    inviteCode: t.inviteCode,
    createdAt: t.createdAt,
    members: t.members.map((m, i) => ({ userId: m.userId, name: m.user.name, joinedAt: m.joinedAt, captain: i === 0 })),
  }
}

export async function teamOf(userId: string, competitionId: string): Promise<Team | null> {
  const m = await db().teamMember.findUnique({ where: { competitionId_userId: { competitionId, userId } }, include: { team: true } })
  return m?.team ?? null
}

export async function getTeamView(userId: string, competition: Competition): Promise<TeamView | null> {
  const team = await teamOf(userId, competition.id)
  return team ? teamView(team.id) : null
}

/** The user's name, or "name (2)", "name (3)"… when another team of the competition has it. */
async function freeTeamName(competitionId: string, base: string): Promise<string> {
  const taken = new Set(
    (await db().team.findMany({ where: { competitionId, name: { startsWith: base } }, select: { name: true } })).map((t) => t.name),
  )
  if (!taken.has(base)) return base
  for (let i = 2; ; i++) if (!taken.has(`${base} (${i})`)) return `${base} (${i})`
}

/** Joins the competition as a one-person team. Idempotent: returns the existing team. */
export async function joinCompetition(user: User, competition: Competition): Promise<TeamView> {
  const existing = await teamOf(user.id, competition.id)
  if (existing) return teamView(existing.id)
  if (now() >= competition.deadline) throw conflict('The competition is over; it can no longer be joined', 'competition_over')
  // A concurrent join or an equally named team makes the insert fail on a unique index: retry.
  for (let attempt = 0; attempt < 5; attempt++) {
    const name = await freeTeamName(competition.id, user.name)
    try {
      const team = await db().team.create({
        data: {
          competitionId: competition.id,
          name,
          inviteCode: newInviteCode(),
          createdAt: now(),
          members: { create: { userId: user.id, competitionId: competition.id, joinedAt: now() } },
        },
      })
      return teamView(team.id)
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
      const raced = await teamOf(user.id, competition.id)
      if (raced) return teamView(raced.id)
    }
  }
  throw conflict('Could not create a team; try again', 'team_name_race')
}

/**
 * Joins the team that owns `inviteCode`, if the user has no team in that competition yet; called
 * when that team's captain accepts the join request (lib/teams/requests.ts).
 */
export async function joinTeamByCode(user: User, inviteCode: string): Promise<{ competition: Competition; team: TeamView }> {
  const team = await db().team.findUnique({ where: { inviteCode }, include: { competition: true } })
  if (!team) throw notFound('No team has this invite code')
  const competition = team.competition
  if (now() >= mergerDeadlineOf(competition)) throw conflict('The team merger deadline has passed', 'merger_deadline')
  if (await teamOf(user.id, competition.id)) {
    throw conflict('You already have a team in this competition; merge your team instead', 'already_in_team')
  }
  try {
    await db().$transaction(async (tx) => {
      await lockTeam(tx, team.id)
      const size = await tx.teamMember.count({ where: { teamId: team.id } })
      if (size >= competition.maxTeamSize) throw conflict(`The team is full (at most ${competition.maxTeamSize} members)`, 'team_full')
      await tx.teamMember.create({ data: { teamId: team.id, userId: user.id, competitionId: competition.id, joinedAt: now() } })
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('You already have a team in this competition', 'already_in_team')
    throw err
  }
  return { competition, team: await teamView(team.id) }
}

/**
 * Leaves the team (before the merger deadline). The last member of a team without submissions
 * dissolves it; the last member of a team with submissions cannot leave, because the
 * submissions (and the daily quota they used) would be orphaned.
 */
export async function leaveTeam(user: User, competition: Competition): Promise<void> {
  const team = await teamOf(user.id, competition.id)
  if (!team) throw notFound('You have no team in this competition')
  if (now() >= mergerDeadlineOf(competition)) throw conflict('Teams are fixed after the merger deadline', 'merger_deadline')
  await db().$transaction(async (tx) => {
    await lockTeam(tx, team.id)
    const size = await tx.teamMember.count({ where: { teamId: team.id } })
    if (size <= 1) {
      if ((await tx.submission.count({ where: { teamId: team.id } })) > 0) {
        throw conflict('The last member of a team with submissions cannot leave it', 'team_has_submissions')
      }
      await tx.team.delete({ where: { id: team.id } })
    } else {
      await tx.teamMember.delete({ where: { competitionId_userId: { competitionId: competition.id, userId: user.id } } })
    }
  })
}

/** Kaggle's merge rule: a merged team may not hold more submissions than one team could have made. */
export function mergeSubmissionAllowance(competition: Pick<Competition, 'startAt' | 'dailySubmissionLimit'>, at: Date): number {
  const days = Math.max(1, Math.ceil((at.getTime() - competition.startAt.getTime()) / DAY_MS))
  return competition.dailySubmissionLimit * days
}

/**
 * Kaggle's merge rules for two teams: the members fit `maxTeamSize` and the submissions (failed
 * ones excepted) fit `mergeSubmissionAllowance`. Checked when a merge is asked for (early answer)
 * and again, under the teams' locks, when it is carried out.
 */
export async function checkMergeRules(
  client: Pick<ReturnType<typeof db>, 'teamMember' | 'submission'>,
  competition: Competition,
  sourceId: string,
  targetId: string,
  at: Date,
): Promise<void> {
  const members = await client.teamMember.count({ where: { teamId: { in: [sourceId, targetId] } } })
  if (members > competition.maxTeamSize) {
    throw conflict(`A merged team would have ${members} members; the limit is ${competition.maxTeamSize}`, 'team_too_large')
  }
  const submissions = await client.submission.count({ where: { teamId: { in: [sourceId, targetId] }, status: { not: 'failed' } } })
  const allowance = mergeSubmissionAllowance(competition, at)
  if (submissions > allowance) {
    throw conflict(
      `The teams have ${submissions} submissions together; a merged team may have at most ${allowance} at this point (${competition.dailySubmissionLimit} per day since the start)`,
      'too_many_submissions',
    )
  }
}

export interface MergeResult {
  team: TeamView
  mergedTeamName: string
}

/**
 * Merges the caller's team into the team that owns `inviteCode`; called when that team's captain
 * accepts the merge request (lib/teams/requests.ts). Before the merger deadline only, if the members fit `maxTeamSize` and the
 * submissions (failed ones excepted) fit `mergeSubmissionAllowance`. The merged team keeps every
 * submission; if both teams had final selections that together exceed the limit, the merged-in
 * team's selections are dropped.
 */
export async function mergeTeams(user: User, competition: Competition, inviteCode: string): Promise<MergeResult> {
  const t = now()
  if (t >= mergerDeadlineOf(competition)) throw conflict('The team merger deadline has passed', 'merger_deadline')
  const source = await teamOf(user.id, competition.id)
  if (!source) throw notFound('You have no team in this competition')
  const target = await db().team.findUnique({ where: { inviteCode } })
  if (!target || target.competitionId !== competition.id) throw notFound('No team of this competition has this invite code')
  if (target.id === source.id) throw conflict('That is your own team', 'same_team')

  await db().$transaction(async (tx) => {
    // Fixed order so that two opposite merges cannot deadlock.
    for (const id of [source.id, target.id].sort()) await lockTeam(tx, id)
    const [sourceTeam, targetTeam] = await Promise.all([
      tx.team.findUnique({ where: { id: source.id } }),
      tx.team.findUnique({ where: { id: target.id } }),
    ])
    if (!sourceTeam || !targetTeam) throw conflict('One of the teams changed meanwhile; try again', 'team_changed')
    await checkMergeRules(tx, competition, source.id, target.id, t)
    const selected = await tx.submission.count({ where: { teamId: { in: [source.id, target.id] }, selected: true } })
    if (selected > competition.finalSelectionLimit) {
      await tx.submission.updateMany({ where: { teamId: source.id, selected: true }, data: { selected: false } })
    }
    await tx.submission.updateMany({ where: { teamId: source.id }, data: { teamId: target.id } })
    await tx.teamMember.updateMany({ where: { teamId: source.id }, data: { teamId: target.id } })
    await tx.team.delete({ where: { id: source.id } })
  })
  return { team: await teamView(target.id), mergedTeamName: source.name }
}

/**
 * The caller's team, or 403 `not_joined`. The message names no API route: the web shows it beside
 * a Join button, and the CLI replaces it by its own hint (`arena join -c SLUG`).
 */
export async function requireTeam(user: User, competition: Competition): Promise<Team> {
  const team = await teamOf(user.id, competition.id)
  if (!team) throw new ApiError(403, 'not_joined', 'Join the competition first')
  return team
}
