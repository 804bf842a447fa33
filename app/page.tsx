import { listCompetitions, type CompetitionPhase, type CompetitionSummary } from '@/lib/competitions/competitions'
import { Countdown } from '@/app/components/Countdown'
import { fmtDate } from '@/app/components/format'

export const dynamic = 'force-dynamic'

const SECTIONS: { phase: CompetitionPhase; title: string }[] = [
  { phase: 'active', title: 'Active' },
  { phase: 'upcoming', title: 'Upcoming' },
  { phase: 'finished', title: 'Finished' },
]

function Card({ c, now }: { c: CompetitionSummary; now: Date }) {
  return (
    <article className="card" aria-labelledby={`c-${c.slug}`}>
      <h3 id={`c-${c.slug}`} style={{ marginTop: 0 }}>
        <a href={`/competitions/${c.slug}`}>{c.title}</a>
      </h3>
      {c.subtitle && <p className="muted">{c.subtitle}</p>}
      <p>
        <span className={`badge ${c.phase}`}>{c.phase}</span>{' '}
        {c.phase === 'upcoming' && (
          <>
            starts in <Countdown target={c.startAt.toISOString()} now={now.toISOString()} label="Starts in" />
          </>
        )}
        {c.phase === 'active' && (
          <>
            <Countdown target={c.deadline.toISOString()} now={now.toISOString()} label="Time left" /> left
          </>
        )}
        {c.phase === 'finished' && (
          <span className="muted">
            ended {fmtDate(c.deadline)}
            {c.privateRevealedAt ? ' · final results out' : ''}
          </span>
        )}
      </p>
      <p className="muted">
        {c.teamCount} team{c.teamCount === 1 ? '' : 's'} · {c.submissionCount} submission{c.submissionCount === 1 ? '' : 's'}
      </p>
      <a href={`/competitions/${c.slug}/leaderboard${c.privateRevealedAt ? '?type=private' : ''}`}>Leaderboard →</a>
    </article>
  )
}

export default async function Home() {
  const now = new Date()
  const competitions = await listCompetitions(now)
  return (
    <>
      <h1>Competitions</h1>
      <p className="muted">Predict the prompt behind each Stable Diffusion image; scored by mean cosine similarity of prompt embeddings.</p>
      {competitions.length === 0 && <p className="muted">No competitions yet.</p>}
      {SECTIONS.map(({ phase, title }) => {
        const list = competitions.filter((c) => c.phase === phase)
        if (list.length === 0) return null
        return (
          <section key={phase} aria-labelledby={`h-${phase}`}>
            <h2 id={`h-${phase}`}>{title}</h2>
            <div className="grid">
              {list.map((c) => (
                <Card key={c.id} c={c} now={now} />
              ))}
            </div>
          </section>
        )
      })}
    </>
  )
}
