import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { bestScoreOverTime, submissionsPerDay } from '@/lib/views/charts'
import { LineChart } from '@/app/components/charts/LineChart'
import { BarChart } from '@/app/components/charts/BarChart'
import { fmtDay } from '@/app/components/charts/scale'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Charts' }

export default async function Charts({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params
  const { competition: c, team, now } = await competitionPage(slug)
  const [progress, perDay] = await Promise.all([bestScoreOverTime(c, 8, team?.id), submissionsPerDay(c, now)])
  const until = Math.min(now.getTime(), c.deadline.getTime())
  return (
    <>
      <section className="card" aria-labelledby="progress-h">
        <h2 id="progress-h">Best public score over time</h2>
        <p className="muted">The top teams of the public leaderboard{team ? ' and yours' : ''}: each step is a new best submission.</p>
        <LineChart
          id="best-over-time"
          title="Best public score over time, top teams"
          yLabel="Best public score (mean cosine)"
          from={c.startAt.getTime()}
          until={until}
          series={progress.map((p) => ({ name: p.teamName, points: p.points, highlight: p.teamId === team?.id }))}
        />
      </section>
      <section className="card" aria-labelledby="perday-h">
        <h2 id="perday-h">Submissions per day</h2>
        <BarChart id="per-day" title="Submissions per day (UTC)" yLabel="Submissions" xLabel="Day" bars={perDay.map((d) => ({ label: fmtDay(d.day), value: d.count }))} />
      </section>
    </>
  )
}
