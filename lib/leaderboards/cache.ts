// The leaderboard cache: one per process, whichever copy of this module asks (Next.js bundles
// the module for its pages and its routes, and the in-process worker loads its own), because the
// state lives in one holder on globalThis, as the database client's does. A score or selection
// recorded in this process invalidates it at once; other processes (separate `arena worker`s) are
// covered by the short expiry. Concurrent cache misses share one build (no stampede: 200 readers
// arriving just after an expiry run the queries once); for one more TTL after expiry readers get
// the old board while that build runs.
import type { Competition } from '../platform/db.ts'
import { buildPrivate, buildPublic, type Leaderboard, type LeaderboardType } from './build.ts'
import { withStatistics } from './statistics.ts'

const TTL_MS = 5_000

interface CacheState {
  boards: Map<string, { expires: number; board: Leaderboard }>
  /** Builds in progress, by cache key: concurrent misses wait for the same one. */
  building: Map<string, Promise<Leaderboard>>
  /** Per competition, bumped by every invalidation: a build that started before one is not cached. */
  generations: Map<string, number>
}

const holder = globalThis as typeof globalThis & { __arenaLeaderboards?: CacheState }

function state(): CacheState {
  holder.__arenaLeaderboards ??= { boards: new Map(), building: new Map(), generations: new Map() }
  return holder.__arenaLeaderboards
}

export function invalidateLeaderboard(competitionId: string): void {
  const { boards, building, generations } = state()
  generations.set(competitionId, (generations.get(competitionId) ?? 0) + 1)
  for (const key of boards.keys()) if (key.startsWith(`${competitionId}:`)) boards.delete(key)
  for (const key of building.keys()) if (key.startsWith(`${competitionId}:`)) building.delete(key)
}

/** Builds the board once for everyone asking meanwhile, and caches it unless invalidated meanwhile. */
function rebuild(competition: Competition, type: LeaderboardType, key: string): Promise<Leaderboard> {
  const { boards, building, generations } = state()
  const started = generations.get(competition.id) ?? 0
  const built = type === 'public' ? buildPublic(competition) : buildPrivate(competition, cachedLeaderboard(competition, 'public'))
  const promise: Promise<Leaderboard> = built.then((board) => withStatistics(competition, board)).then(
    (board) => {
      if (building.get(key) === promise) building.delete(key)
      // Invalidated while building: the requests already waiting get this board, the cache does not.
      if ((generations.get(competition.id) ?? 0) === started) boards.set(key, { expires: Date.now() + TTL_MS, board })
      return board
    },
    (err: unknown) => {
      if (building.get(key) === promise) building.delete(key)
      throw err
    },
  )
  building.set(key, promise)
  return promise
}

export async function cachedLeaderboard(competition: Competition, type: LeaderboardType): Promise<Leaderboard> {
  const key = `${competition.id}:${type}:${competition.finalSelectionLimit}`
  const { boards, building } = state()
  const hit = boards.get(key)
  const t = Date.now()
  if (hit && hit.expires > t) return hit.board
  const inFlight = building.get(key)
  // Expired less than a TTL ago (and not invalidated): serve it while one rebuild runs, so readers
  // do not queue behind the queries every few seconds. A failed rebuild is retried by the next
  // reader; the one after a local score or selection always waits for a fresh board.
  if (hit && hit.expires + TTL_MS > t) {
    if (!inFlight) rebuild(competition, type, key).catch(() => {})
    return hit.board
  }
  return inFlight ?? rebuild(competition, type, key)
}

