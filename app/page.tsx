import { listCompetitions } from '@/lib/competitions'

export const dynamic = 'force-dynamic'

function timeLeft(deadline: Date, now: Date): string {
  const ms = deadline.getTime() - now.getTime()
  if (ms <= 0) return 'closed'
  const days = Math.floor(ms / 86_400_000)
  const hours = Math.floor((ms % 86_400_000) / 3_600_000)
  return days > 0 ? `${days} d ${hours} h left` : `${hours} h ${Math.floor((ms % 3_600_000) / 60_000)} min left`
}

export default async function Home() {
  const now = new Date()
  const competitions = await listCompetitions(now)
  return (
    <>
      <h1>Competitions</h1>
      {competitions.length === 0 && <p className="muted">No competitions yet.</p>}
      <div className="grid">
        {competitions.map((c) => (
          <article key={c.id} className="card" aria-labelledby={`c-${c.slug}`}>
            <h2 id={`c-${c.slug}`} style={{ marginTop: 0 }}>
              <a href={`/competitions/${c.slug}`}>{c.title}</a>
            </h2>
            <p className="muted">{c.subtitle}</p>
            <p>
              <span className={`badge ${c.phase}`}>{c.phase}</span>{' '}
              {c.phase === 'upcoming' ? `starts ${c.startAt.toISOString().slice(0, 10)}` : <time dateTime={c.deadline.toISOString()}>{timeLeft(c.deadline, now)}</time>}
            </p>
            <p className="muted">
              {c.teamCount} teams · {c.submissionCount} submissions
            </p>
            <a href={`/competitions/${c.slug}/leaderboard`}>Leaderboard →</a>
          </article>
        ))}
      </div>
    </>
  )
}
