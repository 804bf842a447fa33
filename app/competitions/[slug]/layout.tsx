import type { ReactNode } from 'react'
import { competitionPage } from '@/lib/web/competition-page'
import { Countdown } from '@/app/components/Countdown'
import { Tabs } from '@/app/components/Tabs'

export default async function CompetitionLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params
  const { competition: c, phase, viewer, team, now } = await competitionPage(slug)
  const base = `/competitions/${c.slug}`
  const tabs = [
    { href: base, label: 'Overview' },
    { href: `${base}/data`, label: 'Data' },
    { href: `${base}/leaderboard`, label: 'Leaderboard' },
    { href: `${base}/charts`, label: 'Charts' },
    { href: `${base}/submit`, label: 'Submit' },
    { href: `${base}/submissions`, label: 'My submissions' },
    { href: `${base}/team`, label: 'Team' },
  ]
  return (
    <>
      <div className="comp-head">
        <div>
          <h1>{c.title}</h1>
          {c.subtitle && <p className="muted" style={{ margin: 0 }}>{c.subtitle}</p>}
        </div>
        <div className="meta">
          <span className={`badge ${phase}`}>{phase}</span>
          {phase === 'upcoming' && (
            <span>
              starts in <Countdown target={c.startAt.toISOString()} now={now.toISOString()} label="Starts in" />
            </span>
          )}
          {phase === 'active' && (
            <span>
              <Countdown target={c.deadline.toISOString()} now={now.toISOString()} label="Time left" /> left
            </span>
          )}
          {phase === 'finished' && <span className="muted">{c.privateRevealedAt ? 'final results revealed' : 'final results pending'}</span>}
          {viewer && !team && phase !== 'finished' && (
            <form method="post" action="/forms/join">
              <input type="hidden" name="slug" value={c.slug} />
              <input type="hidden" name="returnTo" value={base} />
              {c.rules.trim() !== '' && (
                <label style={{ fontWeight: 400 }}>
                  <input type="checkbox" name="acceptRules" value="yes" required style={{ width: 'auto', marginRight: '0.4rem' }} />
                  I accept the <a href={`${base}#comp-rules`}>rules</a>
                </label>
              )}
              <button type="submit">Join competition</button>
            </form>
          )}
          {!viewer && phase !== 'finished' && (
            <a className="button" href={`/signin?returnTo=${encodeURIComponent(base)}`}>
              Sign in to join
            </a>
          )}
          {team && <span className="badge">team: {team.name}</span>}
        </div>
      </div>
      <Tabs tabs={tabs} label="Competition sections" />
      {children}
    </>
  )
}
