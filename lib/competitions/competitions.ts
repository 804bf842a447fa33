// Competitions as everyone reads them: the lookup by slug every route shares, the phase, the
// home-page list, the public view, and the rule of who may see private scores.
import { db, type Competition, type User } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { notFound } from '../errors.ts'

/** The slug rule: lower-case letters, digits and dashes, 2–63 characters, not starting with a dash. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/

export function isSlug(value: string): boolean {
  return SLUG_PATTERN.test(value)
}

export type CompetitionPhase = 'upcoming' | 'active' | 'finished'

export function phaseOf(c: Pick<Competition, 'startAt' | 'deadline'>, now = new Date()): CompetitionPhase {
  if (now < c.startAt) return 'upcoming'
  if (now < c.deadline) return 'active'
  return 'finished'
}

export interface CompetitionSummary extends Competition {
  phase: CompetitionPhase
  teamCount: number
  submissionCount: number
}

/**
 * THE visibility rule: a draft (never published) competition exists for organizers only; for
 * everyone else its pages, API and join answer 404 and lists leave it out.
 */
export function isVisibleTo(viewer: Pick<User, 'role'> | null, competition: Pick<Competition, 'publishedAt'>): boolean {
  return competition.publishedAt !== null || viewer?.role === 'organizer'
}

/** The competition with this slug when the viewer may see it (isVisibleTo), else a 404. */
export async function requireVisibleCompetition(slug: string, viewer: Pick<User, 'role'> | null): Promise<Competition> {
  const c = await requireCompetition(slug)
  // A draft is "not found" for those who may not see it, in the same words as a missing one.
  if (!isVisibleTo(viewer, c)) throw notFound(`No competition '${slug}'`)
  return c
}

/**
 * Competitions for the home page: active first (soonest deadline), then upcoming, then finished;
 * only those the viewer may see (drafts for organizers only).
 */
export async function listCompetitions(now = new Date(), viewer: Pick<User, 'role'> | null = null): Promise<CompetitionSummary[]> {
  const rows = await db().competition.findMany({
    where: viewer?.role === 'organizer' ? {} : { publishedAt: { not: null } },
    include: { _count: { select: { teams: true, submissions: true } } },
    orderBy: { deadline: 'asc' },
  })
  const order: Record<CompetitionPhase, number> = { active: 0, upcoming: 1, finished: 2 }
  return rows
    .map(({ _count, ...c }) => ({ ...c, phase: phaseOf(c, now), teamCount: _count.teams, submissionCount: _count.submissions }))
    .sort((a, b) => order[a.phase] - order[b.phase])
}


/** The competition with this slug, or null. */
/** The competition of a slug; null for a value that breaks the slug rule, without a query. */
export async function findCompetition(slug: string): Promise<Competition | null> {
  if (!isSlug(slug)) return null
  return db().competition.findUnique({ where: { slug } })
}

export async function requireCompetition(slug: string): Promise<Competition> {
  const c = await findCompetition(slug)
  // Only a well-formed slug is echoed back.
  if (!c) throw notFound(isSlug(slug) ? `No competition '${slug}'` : 'No such competition')
  return c
}

/**
 * Private information (private scores, the private leaderboard, overall scores that mix in private
 * images) shows only to organizers, and to everyone once the organizer revealed it.
 */
export function canSeePrivate(viewer: Pick<User, 'role'> | null, competition: Pick<Competition, 'privateRevealedAt'>): boolean {
  return viewer?.role === 'organizer' || competition.privateRevealedAt !== null
}

export interface CompetitionView {
  slug: string
  title: string
  subtitle: string
  description: string
  phase: CompetitionPhase
  startAt: Date
  deadline: Date
  mergerDeadline: Date | null
  dailySubmissionLimit: number
  maxTeamSize: number
  finalSelectionLimit: number
  publicFraction: number
  privateRevealed: boolean
  privateRevealedAt: Date | null
  /** False for a draft (seen by organizers only). */
  published: boolean
  publishedAt: Date | null
  /** Markdown rules a participant accepts when joining; '' when there are none. */
  rules: string
}

export function competitionView(c: Competition): CompetitionView {
  return {
    slug: c.slug,
    title: c.title,
    subtitle: c.subtitle,
    description: c.description,
    phase: phaseOf(c, now()),
    startAt: c.startAt,
    deadline: c.deadline,
    mergerDeadline: c.mergerDeadline,
    dailySubmissionLimit: c.dailySubmissionLimit,
    maxTeamSize: c.maxTeamSize,
    finalSelectionLimit: c.finalSelectionLimit,
    publicFraction: c.publicFraction,
    privateRevealed: c.privateRevealedAt !== null,
    privateRevealedAt: c.privateRevealedAt,
    published: c.publishedAt !== null,
    publishedAt: c.publishedAt,
    rules: c.rules,
  }
}
