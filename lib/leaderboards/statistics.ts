// The leaderboard statistics: each row's 95 % ± and whether it is a statistical tie with the row
// above (scoring/stats leaderboardStatistics: a paired t-test over the same images), over the
// public images on the public board and the private ones on the private board. Computed when the
// board is built (lib/leaderboards/cache.ts) and memoised on the rows' submissions and the
// test-set version: a board rebuilt after the cache's 5 s expiry with the same best submissions
// reuses them, so they are recomputed only on a new score. Nothing per image leaves this module.
import { leaderboardStatistics, type LeaderboardRowStats } from '../../scoring/stats/index.ts'
import { db, type Competition } from '../platform/db.ts'
import { meaningfulHalfWidth } from '../submissions/interval.ts'
import { readPerImageVector } from '../submissions/per-image.ts'
import { rowSubmissions, withRows, type Leaderboard } from './build.ts'

interface StatsState {
  /** Public masks by test-set version id (a ready version's split never changes). */
  masks: Map<string, Uint8Array>
  /**
   * Per competition and reader ('public', 'private', 'forecast'): vectors by
   * `${submissionId}:${testSetId}`, the ones that reader's last read used (a vector two readers
   * share is held once: each looks in the others' first).
   */
  vectors: Map<string, Map<string, Float32Array>>
  /** Per competition and board type: the statistics of the last build and what they were of. */
  memo: Map<string, { signature: string; stats: (LeaderboardRowStats | null)[] }>
}

const holder = globalThis as typeof globalThis & { __arenaLeaderboardStats?: StatsState }

function state(): StatsState {
  holder.__arenaLeaderboardStats ??= { masks: new Map(), vectors: new Map(), memo: new Map() }
  return holder.__arenaLeaderboardStats
}

/** 1 = public image, in the test set's image order (TestImage.position = the truth file's row). */
export async function publicMask(testSetId: string): Promise<Uint8Array> {
  const cached = state().masks.get(testSetId)
  if (cached) return cached
  const images = await db().testImage.findMany({ where: { testSetId }, orderBy: { position: 'asc' }, select: { isPublic: true } })
  const mask = Uint8Array.from(images, (i) => (i.isPublic ? 1 : 0))
  if (mask.length > 0) state().masks.set(testSetId, mask)
  return mask
}

/**
 * Per-image vectors of `submissionIds` on the competition's active version (null where a
 * submission is not scored on it, or its scores are missing or of another length). Kept per
 * competition between calls, so a rebuild after one new score reads one file.
 */
export async function activeVectors(
  competitionId: string,
  submissionIds: readonly string[],
  reader: string,
): Promise<{ testSetId: string | null; vectors: (Float32Array | null)[] }> {
  const competition = await db().competition.findUnique({ where: { id: competitionId }, select: { activeTestSetId: true } })
  const testSetId = competition?.activeTestSetId ?? null
  if (!testSetId) return { testSetId, vectors: submissionIds.map(() => null) }
  // IN lists of 500 ids: SQLite caps the bound variables of one statement.
  const keyOf = new Map<string, string | null>()
  for (let i = 0; i < submissionIds.length; i += 500) {
    const rows = await db().submission.findMany({
      where: { competitionId, status: 'scored', testSetId, id: { in: submissionIds.slice(i, i + 500) } },
      select: { id: true, perImageKey: true },
    })
    for (const r of rows) keyOf.set(r.id, r.perImageKey)
  }
  const images = (await db().testSetVersion.findUnique({ where: { id: testSetId }, select: { imageCount: true } }))?.imageCount ?? 0
  const held = [...state().vectors].filter(([key]) => key.startsWith(`${competitionId}:`)).map(([, m]) => m)
  const previous = { get: (key: string) => held.find((m) => m.has(key))?.get(key) }
  const next = new Map<string, Float32Array>()
  const vectors = await Promise.all(
    submissionIds.map(async (id) => {
      if (!keyOf.has(id)) return null
      const cacheKey = `${id}:${testSetId}`
      const v = previous.get(cacheKey) ?? (await readPerImageVector(id, testSetId, keyOf.get(id) ?? null))
      if (!v || v.length !== images) return null
      next.set(cacheKey, v)
      return v
    }),
  )
  state().vectors.set(`${competitionId}:${reader}`, next)
  return { testSetId, vectors }
}

/** Row statistics for `ids` (rows in rank order), null for rows without a vector. */
async function rowStatistics(competition: Competition, type: Leaderboard['type'], ids: readonly string[]): Promise<(LeaderboardRowStats | null)[]> {
  const memoKey = `${competition.id}:${type}`
  const testSetId = (await db().competition.findUnique({ where: { id: competition.id }, select: { activeTestSetId: true } }))?.activeTestSetId ?? null
  const signature = `${testSetId}|${ids.join(',')}`
  const hit = state().memo.get(memoKey)
  if (hit && hit.signature === signature) return hit.stats
  const { vectors } = await activeVectors(competition.id, ids, type)
  const stats: (LeaderboardRowStats | null)[] = ids.map(() => null)
  const present = vectors.flatMap((v, i) => (v ? [i] : []))
  if (testSetId && present.length > 0) {
    const publicOnes = await publicMask(testSetId)
    const mask = type === 'public' ? publicOnes : publicOnes.map((p) => 1 - p)
    const computed = leaderboardStatistics(present.map((i) => vectors[i] as Float32Array), { mask })
    present.forEach((row, k) => {
      // A row is tied with the one above only when that one is the row computed before it.
      const adjacent = k > 0 && present[k - 1] === row - 1
      stats[row] = { ...computed[k], tiedWithPrevious: adjacent && computed[k].tiedWithPrevious }
    })
  }
  // Not memoised while a row lacks its vector (e.g. scores being rewritten): the next build retries.
  if (present.length === ids.length) state().memo.set(memoKey, { signature, stats })
  return stats
}

/** The board with each row's halfWidth and tiedWithPrevious (null / false where not computable). */
export async function withStatistics(competition: Competition, board: Leaderboard): Promise<Leaderboard> {
  const ids = rowSubmissions(board)
  if (!ids || ids.length !== board.rows.length) return board
  const stats = await rowStatistics(competition, board.type, ids)
  return withRows(
    board,
    board.rows.map((r, i) => ({ ...r, halfWidth: meaningfulHalfWidth(stats[i]?.halfWidth), tiedWithPrevious: stats[i]?.tiedWithPrevious ?? false })),
  )
}
