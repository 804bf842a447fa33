import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { mergerDeadlineOf } from '@/lib/teams/teams'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { Countdown } from '@/app/components/Countdown'
import { fmtDate } from '@/app/components/format'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Team' }

export default async function TeamPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params
  const sp = await searchParams
  const { competition: c, viewer, team, now } = await competitionPage(slug)
  const here = `/competitions/${c.slug}/team`
  const merger = mergerDeadlineOf(c)
  const mergersOpen = now < merger
  if (!viewer) {
    return (
      <p className="card">
        <a href={`/signin?returnTo=${encodeURIComponent(here)}`}>Sign in</a> to see your team.
      </p>
    )
  }
  return (
    <>
      <Flash error={sp.error} notice={sp.notice} />
      <p className="muted">
        Teams can merge and take new members until <time dateTime={merger.toISOString()}>{fmtDate(merger)}</time>
        {mergersOpen && (
          <>
            {' '}
            (<Countdown target={merger.toISOString()} now={now.toISOString()} label="Merger deadline in" /> left)
          </>
        )}
        . At most {c.maxTeamSize} members.
      </p>
      {!team ? (
        <div className="section-grid">
          <section className="card" aria-labelledby="join-h">
            <h2 id="join-h">Compete alone</h2>
            <form method="post" action="/forms/join">
              <input type="hidden" name="slug" value={c.slug} />
              <input type="hidden" name="returnTo" value={here} />
              <button type="submit">Join as a one-person team</button>
            </form>
          </section>
          <section className="card" aria-labelledby="code-h">
            <h2 id="code-h">Join a team</h2>
            <form method="post" action="/forms/team/join">
              <input type="hidden" name="returnTo" value={here} />
              <label htmlFor="join-code">Invite code</label>
              <input id="join-code" name="inviteCode" required autoComplete="off" />
              <div className="actions">
                <button type="submit" disabled={!mergersOpen}>
                  Join team
                </button>
              </div>
            </form>
          </section>
        </div>
      ) : (
        <div className="section-grid">
          <section className="card" aria-labelledby="members-h">
            <h2 id="members-h">{team.name}</h2>
            <table>
              <caption className="sr-only">Team members</caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Joined</th>
                </tr>
              </thead>
              <tbody>
                {team.members.map((m) => (
                  <tr key={m.userId} className={m.userId === viewer.id ? 'me' : undefined}>
                    <td>
                      {m.name}
                      {m.userId === viewer.id && ' (you)'}
                    </td>
                    <td>{fmtDate(m.joinedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {mergersOpen && (
              <form method="post" action="/forms/team/leave" className="actions">
                <input type="hidden" name="slug" value={c.slug} />
                <input type="hidden" name="returnTo" value={here} />
                <button type="submit" className="secondary">
                  Leave team
                </button>
              </form>
            )}
          </section>
          <section className="card" aria-labelledby="invite-h">
            <h2 id="invite-h">Invite code</h2>
            <p>Give this code to people you want in your team (or to a team that should merge into yours):</p>
            <p className="token-once" aria-label="Your team's invite code">
              {team.inviteCode}
            </p>
          </section>
          <section className="card" aria-labelledby="merge-h">
            <h2 id="merge-h">Merge into another team</h2>
            <p className="muted">
              Your team and its submissions move into the team whose invite code you enter. The merged team may have at most {c.dailySubmissionLimit}{' '}
              submissions per day since the start.
            </p>
            <form method="post" action="/forms/team/merge">
              <input type="hidden" name="slug" value={c.slug} />
              <input type="hidden" name="returnTo" value={here} />
              <label htmlFor="merge-code">Other team’s invite code</label>
              <input id="merge-code" name="inviteCode" required autoComplete="off" />
              <div className="actions">
                <button type="submit" disabled={!mergersOpen}>
                  Merge
                </button>
              </div>
            </form>
          </section>
        </div>
      )}
    </>
  )
}
