import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { mergerDeadlineOf } from '@/lib/teams/teams'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { Countdown } from '@/app/components/Countdown'
import { LocalTime } from '@/app/components/LocalTime'
import { listTeamRequests, type TeamRequestView } from '@/lib/teams/requests'

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
  const requests = await listTeamRequests(viewer, c)
  const isCaptain = !!team && team.members[0]?.userId === viewer.id
  const requestButton = (r: TeamRequestView, action: 'accept' | 'decline' | 'withdraw', label: string, secondary = false) => (
    <form method="post" action="/forms/team/request" style={{ display: 'inline' }}>
      <input type="hidden" name="slug" value={c.slug} />
      <input type="hidden" name="returnTo" value={here} />
      <input type="hidden" name="requestId" value={r.id} />
      <input type="hidden" name="action" value={action} />
      <button type="submit" className={secondary ? 'secondary' : undefined}>
        {label}
      </button>
    </form>
  )
  const describe = (r: TeamRequestView) =>
    r.kind === 'join' ? `${r.userName} asks to join` : `${r.userName} asks to merge team ${r.fromTeamName ?? '(gone)'} (${r.members} member${r.members === 1 ? '' : 's'}) into yours`
  return (
    <>
      <Flash error={sp.error} notice={sp.notice} />
      {requests.incoming.length > 0 && (
        <section className="card" aria-labelledby="incoming-h">
          <h2 id="incoming-h">Requests to your team</h2>
          <ul className="plain-list">
            {requests.incoming.map((r) => (
              <li key={r.id}>
                {describe(r)} <span className="muted">(<LocalTime at={r.createdAt} relative />)</span>{' '}
                {isCaptain ? (
                  <span className="actions-inline">
                    {requestButton(r, 'accept', 'Accept')} {requestButton(r, 'decline', 'Decline', true)}
                  </span>
                ) : (
                  <span className="muted">waiting for your captain</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {requests.outgoing.length > 0 && (
        <section className="card" aria-labelledby="outgoing-h">
          <h2 id="outgoing-h">Your requests</h2>
          <ul className="plain-list">
            {requests.outgoing.map((r) => (
              <li key={r.id}>
                {r.kind === 'join' ? `To join team ${r.teamName}` : `To merge into team ${r.teamName}`}: waiting for its captain{' '}
                <span className="muted">(<LocalTime at={r.createdAt} relative />)</span> {requestButton(r, 'withdraw', 'Withdraw', true)}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="muted">
        Teams can merge and take new members until <LocalTime at={merger} />
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
              <p className="muted">The team’s captain accepts or declines your request.</p>
              <label htmlFor="join-code">Invite code</label>
              <input id="join-code" name="inviteCode" required autoComplete="off" />
              <div className="actions">
                <button type="submit" disabled={!mergersOpen}>
                  Ask to join
                </button>
              </div>
            </form>
          </section>
        </div>
      ) : (
        <div className="section-grid">
          <section className="card" aria-labelledby="members-h">
            <h2 id="members-h">{team.name}</h2>
            <div className="table-wrap">
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
                      {m.captain && <span className="badge">captain</span>}
                    </td>
                    <td>
                      <LocalTime at={m.joinedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
            {isCaptain && now < c.deadline && (
              <form method="post" action="/forms/team/rename">
                <input type="hidden" name="slug" value={c.slug} />
                <input type="hidden" name="returnTo" value={here} />
                <label htmlFor="team-name">Team name</label>
                <input id="team-name" name="name" defaultValue={team.name} required maxLength={80} />
                <div className="actions">
                  <button type="submit">Rename</button>
                </div>
              </form>
            )}
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
            <p>Give this code to people you want in your team (or to a team that should merge into yours); {isCaptain ? 'you accept' : 'your captain accepts'} each request here:</p>
            <p className="token-once" aria-label="Your team's invite code">
              {team.inviteCode}
            </p>
          </section>
          <section className="card" aria-labelledby="merge-h">
            <h2 id="merge-h">Merge into another team</h2>
            <p className="muted">
              Your team and its submissions move into the team whose invite code you enter, once its captain accepts. The merged team may have at most{' '}
              {c.dailySubmissionLimit} submissions per day since the start.{!isCaptain && ' Only your captain can ask.'}
            </p>
            <form method="post" action="/forms/team/merge">
              <input type="hidden" name="slug" value={c.slug} />
              <input type="hidden" name="returnTo" value={here} />
              <label htmlFor="merge-code">Other team’s invite code</label>
              <input id="merge-code" name="inviteCode" required autoComplete="off" />
              <div className="actions">
                <button type="submit" disabled={!mergersOpen || !isCaptain}>
                  Ask to merge
                </button>
              </div>
            </form>
          </section>
        </div>
      )}
    </>
  )
}
