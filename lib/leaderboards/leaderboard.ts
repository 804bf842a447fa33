// The leaderboard a viewer may see: the one place that applies the visibility rule to boards.
import type { Competition, User } from '../platform/db.ts'
import { canSeePrivate } from '../competitions/competitions.ts'
import { forbidden } from '../errors.ts'
import type { Leaderboard, LeaderboardType } from './build.ts'
import { cachedLeaderboard } from './cache.ts'

export type { Leaderboard, LeaderboardRow, LeaderboardType } from './build.ts'
export { invalidateLeaderboard } from './cache.ts'

/**
 * The leaderboard a viewer may see. The private one is for organizers, and for everyone once
 * revealed; the public one never carries private scores.
 */
export async function getLeaderboard(viewer: User | null, competition: Competition, type: LeaderboardType): Promise<Leaderboard> {
  if (type === 'private' && !canSeePrivate(viewer, competition)) {
    throw forbidden('The private leaderboard is hidden until the organizer reveals it after the deadline')
  }
  return cachedLeaderboard(competition, type)
}

