/**
 * Scores with their uncertainty. Pure: per-image scores in, small typed summaries out, nothing
 * per image. Computed over the public images (mask = Truth.isPublic), intervals, paired tests and
 * leaderboard statistics may be shown to participants; the shake-up forecast reads private
 * scores and is for organizers until the reveal.
 *
 *   scoreInterval(scores, { mask })            95 % t interval of a (public) score
 *   formatInterval(interval)                   "0.57177 ± 0.0123"
 *   pairedTest(a, b, { mask })                 paired t-test over the same images
 *   leaderboardStatistics(rows, { mask })      per ranked row: ±, tie with the row above, p-value
 *   forecastShakeUp(teams, { publicFraction }) organizers: rank changes over random splits
 *   compareForecast(forecast, actual)          after the reveal: the real shake-up beside it
 *   forecastIntervalWidth({ images, publicFraction, perImageSd })   at test-set import
 */
export { bootstrapInterval, formatInterval, scoreInterval } from './interval.ts'
export type { ScoreArray } from './interval.ts'
export { leaderboardStatistics, pairedTest } from './paired.ts'
export type { LeaderboardRowStats } from './paired.ts'
export { compareForecast, exactShakeUp, forecastShakeUp, moveBuckets } from './shakeup.ts'
export type { ShakeUpForecast, ShakeUpTeam } from './shakeup.ts'
export { DEFAULT_PER_IMAGE_SD, forecastIntervalWidth, meanPriorPerImageScores } from './width.ts'
export type { WidthForecast } from './width.ts'
export { normalTwoSided, studentTCritical, studentTTwoSided } from './distributions.ts'
