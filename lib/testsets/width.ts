// How wide the public-score interval of a typical submission will be on a test-set version, at
// its public share (scoring/stats forecastIntervalWidth): shown to organizers at import, on the
// organizer page and by `arena testset import`, to help pick a share at which real differences
// show. The per-image spread comes from the competition's reference (baseline) submission on that
// version when it has one, else DEFAULT_PER_IMAGE_SD (0.068, measured on the Kaggle sample).
import { forecastIntervalWidth, formatInterval, scoreInterval, type WidthForecast } from '../../scoring/stats/index.ts'
import { db } from '../platform/db.ts'
import { readPerImageVector } from '../submissions/per-image.ts'

/** The forecast for `images` at `publicFraction`; null where no split is possible (< 3 images). */
export function widthForecast(images: number, publicFraction: number, perImageSd?: number): WidthForecast | null {
  if (!(images >= 3 && publicFraction > 0 && publicFraction < 1)) return null
  return forecastIntervalWidth({ images, publicFraction, perImageSd })
}

/** One line for people: "± 0.00192 on a public score (4,800 public images); public − private within ± 0.00230". */
export function describeWidth(w: WidthForecast): string {
  const pm = formatInterval({ mean: 0, halfWidth: w.halfWidth }).split(' ± ')[1]
  const gap = formatInterval({ mean: 0, halfWidth: w.gapHalfWidth }).split(' ± ')[1]
  const sd = w.sdSource === 'default' ? `default per-image sd ${w.perImageSd}` : `per-image sd ${w.perImageSd.toFixed(3)} of the baseline`
  return `± ${pm} on a public score (${w.publicImages.toLocaleString('en-US')} public images); public − private within ± ${gap} (${sd})`
}

/** Per-image standard deviation of the baseline's scores on the version (all images); undefined without one. */
async function baselineSd(competitionId: string, testSetId: string): Promise<number | undefined> {
  const score = await db().submissionScore.findFirst({
    where: { testSetId, error: null, submission: { competitionId, isBaseline: true, status: 'scored' } },
    orderBy: { createdAt: 'asc' },
    select: { submissionId: true, perImageKey: true },
  })
  if (!score) return undefined
  const v = await readPerImageVector(score.submissionId, testSetId, score.perImageKey)
  const interval = v && scoreInterval(v)
  return interval ? interval.sd : undefined
}

/** The width forecast of each version (by id), at the share its split actually has. */
export async function versionWidths(
  competitionId: string,
  versions: readonly { id: string; imageCount: number; publicCount: number; status: string }[],
): Promise<Map<string, WidthForecast>> {
  const out = new Map<string, WidthForecast>()
  for (const v of versions) {
    if (v.status !== 'ready' || v.imageCount < 3) continue
    const w = widthForecast(v.imageCount, v.publicCount / v.imageCount, await baselineSd(competitionId, v.id))
    if (w) out.set(v.id, w)
  }
  return out
}
