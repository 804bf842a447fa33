import { db, type Competition } from '../platform/db.ts'

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

/** Competitions for the home page: active first (soonest deadline), then upcoming, then finished. */
export async function listCompetitions(now = new Date()): Promise<CompetitionSummary[]> {
  const rows = await db().competition.findMany({
    include: { _count: { select: { teams: true, submissions: true } } },
    orderBy: { deadline: 'asc' },
  })
  const order: Record<CompetitionPhase, number> = { active: 0, upcoming: 1, finished: 2 }
  return rows
    .map(({ _count, ...c }) => ({ ...c, phase: phaseOf(c, now), teamCount: _count.teams, submissionCount: _count.submissions }))
    .sort((a, b) => order[a.phase] - order[b.phase])
}

export async function getCompetitionBySlug(slug: string): Promise<Competition | null> {
  return db().competition.findUnique({ where: { slug } })
}
