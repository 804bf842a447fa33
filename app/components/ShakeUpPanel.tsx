// The shake-up forecast on pages: the organizer console (before and after the reveal) and the
// private leaderboard's footer once revealed. Server components; the data and who may see it come
// from lib/leaderboards/forecast.ts (getShakeUpForecast applies canSeePrivate).
import type { Competition, User } from '@/lib/platform/db'
import { getShakeUpForecast } from '@/lib/leaderboards/forecast'
import { ShakeUpChart } from './charts/ShakeUpChart'

const pct = (v: number) => `${(v * 100).toFixed(1)} %`
const signed = (v: number) => (v > 0 ? `+${v}` : String(v))

/** "≈" before the rank of a row statistically tied with the one above. */
export function TieMark() {
  return (
    <span
      className="muted"
      title="Statistical tie with the team above: a paired t-test over the same images finds no difference at the 5 % level between the two best submissions."
      aria-label="statistically tied with the row above"
      style={{ marginRight: '0.3rem' }}
    >
      ≈
    </span>
  )
}

/** The forecast, its plot and the teams most likely to move; `teams` rows of the table (0: none). */
export async function ShakeUpPanel({ viewer, competition, teams = 20 }: { viewer: User | null; competition: Competition; teams?: number }) {
  const f = await getShakeUpForecast(viewer, competition)
  if (!f) return <p className="muted">The shake-up forecast needs final selections of at least two teams, scored on the active test set.</p>
  const rows = f.perTeam.slice(0, teams)
  return (
    <div>
      <p>
        {f.splits.toLocaleString('en-US')} random re-splits of the {f.images.toLocaleString('en-US')} images of v{f.testSetVersion} ({pct(f.publicFraction)} public), ranking the {f.teams} teams’ final
        selections on each: expected Spearman ρ public ↔ private <strong>{f.spearman.mean.toFixed(3)}</strong> (5–95 %: {f.spearman.p05.toFixed(3)}–{f.spearman.p95.toFixed(3)}), teams move{' '}
        {f.expectedAbsMove.toFixed(1)} places on average.
      </p>
      {f.actual && (
        <p>
          <strong>Real shake-up:</strong> ρ {f.actual.spearman.toFixed(3)} ({pct(f.actual.percentile)} of the simulated splits were rougher or equal), teams moved {f.actual.meanAbsMove.toFixed(1)} places
          on average, {pct(f.actual.withinRangeShare)} of them within their forecast 5–95 % range (≈ 90 % when the forecast is calibrated).
        </p>
      )}
      <ShakeUpChart id={`shakeup-${competition.slug}`} title="Forecast distribution of rank changes" buckets={f.buckets} />
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Each team’s chance of moving</caption>
            <thead>
              <tr>
                <th className="num" scope="col">Public #</th>
                <th scope="col">Team</th>
                <th className="num" scope="col">P(moves)</th>
                <th className="num" scope="col">P(climbs)</th>
                <th className="num" scope="col">P(falls)</th>
                <th className="num" scope="col">Move 5–95 %</th>
                {f.actual && <th className="num" scope="col">Real move</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr key={t.teamId}>
                  <td className="num">{t.publicRank ?? '—'}</td>
                  <td>{t.teamName}</td>
                  <td className="num">{pct(t.pMove)}</td>
                  <td className="num">{pct(t.pUp)}</td>
                  <td className="num">{pct(t.pDown)}</td>
                  <td className="num">
                    {signed(t.moveP05)} … {signed(t.moveP95)}
                  </td>
                  {f.actual && <td className="num">{t.actualMove === null ? '—' : signed(t.actualMove)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
          {f.perTeam.length > rows.length && <p className="muted">The {rows.length} best public ranks of {f.perTeam.length} teams.</p>}
        </div>
      )}
    </div>
  )
}

/** The private board's footer once revealed: the forecast beside the real shake-up. */
export async function ShakeUpFooter({ viewer, competition }: { viewer: User | null; competition: Competition }) {
  const panel = await ShakeUpPanel({ viewer, competition, teams: 0 })
  return (
    <section className="card" aria-labelledby="shakeup-h" style={{ marginTop: '1rem' }}>
      <h2 id="shakeup-h">Shake-up: forecast and reality</h2>
      {panel}
    </section>
  )
}
