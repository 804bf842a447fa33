// A score with its 95 % interval, `0.57177 ± 0.0123` (scoring/stats formatInterval), the ± muted
// and explained in a tooltip; the bare score where there is no ±.
import { formatInterval } from '@/scoring/stats/index'
import { fmtScore } from './format'

export const INTERVAL_TITLE =
  '95 % interval (Student’s t over the images): on another set of images drawn like these, the same submission would score within this range 95 % of the time.'

export function ScoreInterval({ score, halfWidth }: { score: number | null | undefined; halfWidth: number | null | undefined }) {
  if (score === null || score === undefined || halfWidth === null || halfWidth === undefined || !Number.isFinite(score)) return <>{fmtScore(score)}</>
  const [mean, pm] = formatInterval({ mean: score, halfWidth }).split(' ± ')
  return (
    <span title={INTERVAL_TITLE}>
      {mean}
      {pm !== undefined && <span className="muted interval"> ± {pm}</span>}
    </span>
  )
}
