// The shake-up forecast of a competition (scoring/stats forecastShakeUp): the final selections
// (finalCandidates, the rule the private board uses) re-split at random 1,000 times with the test
// set's public share. It reads private scores, so it is shown where the private board is
// (canSeePrivate: organizers, everyone after the reveal); after the reveal it comes with the real
// shake-up beside it (compareForecast). Memoised on the selections and the version, like the
// board statistics: recomputed only when a final selection or its scores change.
import { compareForecast, forecastShakeUp, type ScoreArray, type ShakeUpForecast } from '../../scoring/stats/index.ts'
import { canSeePrivate } from '../competitions/competitions.ts'
import { forbidden } from '../errors.ts'
import { db, type Competition, type User } from '../platform/db.ts'
import { finalCandidates } from './build.ts'
import { cachedLeaderboard } from './cache.ts'
import { activeVectors } from './statistics.ts'

export interface TeamShakeUp {
  teamId: string
  teamName: string
  publicRank: number | null
  /** Mean |public rank − private rank| over the simulated splits. */
  expectedAbsMove: number
  /** P(|move| ≥ 1), P(move ≥ 1) (climbs), P(move ≤ −1) (falls). */
  pMove: number
  pUp: number
  pDown: number
  /** 5 % and 95 % quantiles of the move (positive = climbs). */
  moveP05: number
  moveP95: number
  /** After the reveal: the real move among the forecast's teams. */
  actualMove: number | null
}

export interface ShakeUpView {
  testSetVersion: number
  publicFraction: number
  teams: number
  images: number
  publicImages: number
  splits: number
  /** Spearman ρ between the simulated public and private rankings. */
  spearman: { mean: number; p05: number; p95: number }
  expectedAbsMove: number
  /** The forecast distribution of rank changes (share of team × split pairs per bucket). */
  buckets: { label: string; forecast: number; actual: number | null }[]
  perTeam: TeamShakeUp[]
  /** After the reveal: the real shake-up beside the forecast. */
  actual: {
    spearman: number
    /** Share of simulated splits with ρ ≤ the real one (small: rougher than forecast). */
    percentile: number
    meanAbsMove: number
    /** Share of teams whose real move lies in their 5–95 % range (≈ 0.9 when calibrated). */
    withinRangeShare: number
  } | null
}

interface Computed {
  signature: string
  forecast: ShakeUpForecast
  teamIds: string[]
}

const holder = globalThis as typeof globalThis & { __arenaShakeUp?: Map<string, Computed> }

function memo(): Map<string, Computed> {
  holder.__arenaShakeUp ??= new Map()
  return holder.__arenaShakeUp
}

async function computeForecast(competition: Competition): Promise<{ computed: Computed | null; version: { version: number; publicFraction: number } | null }> {
  const candidates = await finalCandidates(competition.id, competition.finalSelectionLimit)
  const { testSetId, vectors } = await activeVectors(competition.id, candidates.map((c) => c.id), 'forecast')
  const version = testSetId ? await db().testSetVersion.findUnique({ where: { id: testSetId }, select: { version: true, imageCount: true, publicCount: true } }) : null
  if (!version || version.imageCount < 3 || version.publicCount < 1 || version.publicCount >= version.imageCount) return { computed: null, version: null }
  const publicFraction = version.publicCount / version.imageCount
  const byTeam = new Map<string, { ids: string[]; selections: ScoreArray[] }>()
  candidates.forEach((c, i) => {
    const v = vectors[i]
    if (!v) return
    const team = byTeam.get(c.teamId) ?? { ids: [], selections: [] }
    team.ids.push(c.id)
    team.selections.push(v)
    byTeam.set(c.teamId, team)
  })
  const teamIds = [...byTeam.keys()].sort()
  const signature = `${testSetId}|${teamIds.map((t) => `${t}:${byTeam.get(t)?.ids.sort().join('+')}`).join(',')}`
  const hit = memo().get(competition.id)
  const info = { version: version.version, publicFraction }
  if (hit && hit.signature === signature) return { computed: hit, version: info }
  if (teamIds.length < 2) return { computed: null, version: info }
  const forecast = forecastShakeUp(
    teamIds.map((t) => ({ selections: byTeam.get(t)?.selections ?? [] })),
    { publicFraction },
  )
  const computed = { signature, forecast, teamIds }
  memo().set(competition.id, computed)
  return { computed, version: info }
}

/** The forecast where the viewer may see the private board; null with fewer than 2 teams. */
export async function getShakeUpForecast(viewer: User | null, competition: Competition): Promise<ShakeUpView | null> {
  if (!canSeePrivate(viewer, competition)) throw forbidden('The shake-up forecast is for organizers until the private leaderboard is revealed')
  const { computed, version } = await computeForecast(competition)
  if (!computed || !version) return null
  const { forecast, teamIds } = computed
  const publicBoard = await cachedLeaderboard(competition, 'public')
  const publicRow = new Map(publicBoard.rows.map((r) => [r.teamId, r]))
  let comparison: ReturnType<typeof compareForecast> | null = null
  if (competition.privateRevealedAt !== null) {
    const privateBoard = await cachedLeaderboard(competition, 'private')
    const privateRank = new Map(privateBoard.rows.map((r) => [r.teamId, r.rank]))
    const last = Math.max(publicBoard.rows.length, privateBoard.rows.length) + 1
    comparison = compareForecast(forecast, {
      publicRank: teamIds.map((t) => publicRow.get(t)?.rank ?? last),
      privateRank: teamIds.map((t) => privateRank.get(t) ?? last),
    })
  }
  const perTeam = teamIds
    .map((teamId, i): TeamShakeUp => {
      const f = forecast.perTeam[i]
      const row = publicRow.get(teamId)
      return {
        teamId,
        teamName: row?.teamName ?? '?',
        publicRank: row?.rank ?? null,
        expectedAbsMove: f.expectedAbsMove,
        pMove: f.pUp + f.pDown,
        pUp: f.pUp,
        pDown: f.pDown,
        moveP05: f.moveQuantiles.p05,
        moveP95: f.moveQuantiles.p95,
        actualMove: comparison ? comparison.perTeam[i].move : null,
      }
    })
    .sort((a, b) => (a.publicRank ?? Infinity) - (b.publicRank ?? Infinity))
  return {
    testSetVersion: version.version,
    publicFraction: version.publicFraction,
    teams: forecast.teams,
    images: forecast.images,
    publicImages: forecast.publicImages,
    splits: forecast.splits,
    spearman: { mean: forecast.spearman.mean, p05: forecast.spearman.p05, p95: forecast.spearman.p95 },
    expectedAbsMove: forecast.expectedAbsMove,
    buckets: forecast.buckets.map((b, i) => ({ label: b.label, forecast: forecast.histogram[i], actual: comparison ? comparison.histogram.actual[i] : null })),
    perTeam,
    actual: comparison && {
      spearman: comparison.spearman.actual,
      percentile: comparison.spearman.percentile,
      meanAbsMove: comparison.meanAbsMove.actual,
      withinRangeShare: comparison.withinRangeShare,
    },
  }
}
