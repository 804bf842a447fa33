// What every competition page needs: the competition, the viewer and the viewer's team. Wrapped
// in React's per-request cache so the layout and the page share one lookup.
import { cache } from 'react'
import { notFound } from 'next/navigation'
import type { Competition, User } from '../platform/db.ts'
import { getTeamView, type TeamView } from '../teams/teams.ts'
import { findCompetition, isVisibleTo, phaseOf, type CompetitionPhase } from '../competitions/competitions.ts'
import { currentUser } from './session.ts'

export interface CompetitionPageData {
  competition: Competition
  phase: CompetitionPhase
  viewer: User | null
  team: TeamView | null
  isOrganizer: boolean
  now: Date
}

export const competitionPage = cache(async (slug: string): Promise<CompetitionPageData> => {
  const [competition, viewer] = await Promise.all([findCompetition(slug), currentUser()])
  if (!competition || !isVisibleTo(viewer, competition)) notFound()
  const team = viewer ? await getTeamView(viewer.id, competition) : null
  const now = new Date()
  return { competition, phase: phaseOf(competition, now), viewer, team, isOrganizer: viewer?.role === 'organizer', now }
})
