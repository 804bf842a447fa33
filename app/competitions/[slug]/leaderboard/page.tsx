import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { activeSplit } from '@/lib/testsets/reads'
import { publicShareText, TestSetNotice } from '../TestSetNotice'
import { getLeaderboard, type LeaderboardRow, type LeaderboardType } from '@/lib/leaderboards/leaderboard'
import { canSeePrivate } from '@/lib/competitions/competitions'
import { param, type SearchParams } from '@/app/components/Flash'
import { fmtAgo, fmtDate, fmtScore } from '@/app/components/format'
import { ScoreInterval } from '@/app/components/ScoreInterval'
import { ShakeUpFooter, TieMark } from '@/app/components/ShakeUpPanel'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Leaderboard' }

const PAGE_SIZE = 100

function Move({ move }: { move: number | null | undefined }) {
  if (move === null || move === undefined) return <td className="num muted">new</td>
  if (move === 0) return <td className="num muted">–</td>
  return (
    <td className={`num ${move > 0 ? 'move-up' : 'move-down'}`} aria-label={move > 0 ? `up ${move}` : `down ${-move}`}>
      {move > 0 ? `▲ ${move}` : `▼ ${-move}`}
    </td>
  )
}

function Row({ r, mine, priv, now }: { r: LeaderboardRow; mine: boolean; priv: boolean; now: Date }) {
  return (
    <tr className={mine ? 'me' : undefined} aria-current={mine ? 'true' : undefined}>
      <td className="num">
        {r.tiedWithPrevious && <TieMark />}
        {r.rank}
      </td>
      {priv && <Move move={r.move} />}
      <td className="team-cell">
        {r.teamName}
        {mine && <span className="sr-only"> (your team)</span>}
        {r.members.length > 1 && <div className="muted" style={{ fontSize: '0.85rem' }}>{r.members.join(', ')}</div>}
      </td>
      <td className="num">
        <ScoreInterval score={r.score} halfWidth={r.halfWidth} />
      </td>
      <td className="num">{r.entries}</td>
      <td className="num">
        <time dateTime={r.lastSubmissionAt.toISOString()} title={fmtDate(r.lastSubmissionAt)}>
          {fmtAgo(r.lastSubmissionAt, now)}
        </time>
      </td>
    </tr>
  )
}

export default async function LeaderboardPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params
  const sp = await searchParams
  const { competition: c, viewer, team, now } = await competitionPage(slug)
  const privateVisible = canSeePrivate(viewer, c)
  const type: LeaderboardType = param(sp.type) === 'private' && privateVisible ? 'private' : 'public'
  const [board, split] = await Promise.all([getLeaderboard(viewer, c, type), activeSplit(c)])
  const priv = type === 'private'
  const pages = Math.max(1, Math.ceil(board.rows.length / PAGE_SIZE))
  const myRow = team ? board.rows.find((r) => r.teamId === team.id) : undefined
  const requested = Number(param(sp.page) ?? 1)
  const page = Math.min(pages, Math.max(1, Number.isInteger(requested) && requested > 0 ? requested : 1))
  const rows = board.rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
  const base = `/competitions/${c.slug}/leaderboard`
  const href = (p: number) => `${base}?type=${type}&page=${p}`
  const csv = `/api/competitions/${c.slug}/leaderboard?type=${type}&format=csv`
  const myPage = myRow ? Math.ceil(myRow.rank / PAGE_SIZE) : 0
  return (
    <>
      <TestSetNotice split={split} />
      <div className="subtabs">
        <a href={`${base}?type=public`} aria-current={priv ? undefined : 'page'}>
          Public
        </a>
        {privateVisible ? (
          <a href={`${base}?type=private`} aria-current={priv ? 'page' : undefined}>
            Private{!c.privateRevealedAt && ' (organizers only)'}
          </a>
        ) : (
          <span className="muted" title="Revealed by the organizer after the deadline">
            Private: hidden until the reveal
          </span>
        )}
        <span className="spacer" />
        <a href={csv} download>
          Download CSV
        </a>
      </div>
      <p className="muted">
        {priv
          ? 'Final ranking on the private test images, from each team’s selected submissions (or its best public ones when it selected none). ▲/▼: places moved since the public leaderboard.'
          : split
            ? `Best public score of each team, on ${publicShareText(split)} of the test images (test-set version ${split.version}).`
            : 'Best public score of each team; no test set is active yet.'}{' '}
        {board.rows.length} team{board.rows.length === 1 ? '' : 's'}.
      </p>
      {board.baselines.length > 0 && (
        <ul className="muted">
          {board.baselines.map((b) => {
            const wouldRank = board.rows.filter((r) => r.score > b.score).length + 1
            return (
              <li key={b.submissionId}>
                Baseline “{b.name}”: <strong>{fmtScore(b.score)}</strong> (would rank #{wouldRank})
              </li>
            )
          })}
        </ul>
      )}
      {myRow && myPage !== page && (
        <p>
          Your team is #{myRow.rank} with {fmtScore(myRow.score)} — <a href={href(myPage)}>show page {myPage}</a>
        </p>
      )}
      {board.rows.some((r) => r.tiedWithPrevious) && (
        <p className="muted">≈ before a rank: a paired t-test over the same images finds no difference from the team above at the 5 % level (a statistical tie).</p>
      )}
      {board.rows.length === 0 ? (
        <p className="card">No scored submissions yet. Be the first!</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">
              {priv ? 'Private' : 'Public'} leaderboard, page {page} of {pages}
            </caption>
            <thead>
              <tr>
                <th className="num" scope="col">#</th>
                {priv && <th className="num" scope="col">Shake-up</th>}
                <th scope="col">Team</th>
                <th className="num" scope="col" title="± : 95 % interval of the score over the images">
                  Score ± 95 %
                </th>
                <th className="num" scope="col">Entries</th>
                <th className="num" scope="col">Last</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Row key={r.teamId} r={r} mine={r.teamId === team?.id} priv={priv} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {priv && c.privateRevealedAt && <ShakeUpFooter viewer={viewer} competition={c} />}
      {pages > 1 && (
        <nav className="pager" aria-label="Leaderboard pages">
          {page > 1 ? <a href={href(page - 1)}>← Previous</a> : <span className="muted">← Previous</span>}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <a href={href(page + 1)}>Next →</a> : <span className="muted">Next →</span>}
        </nav>
      )}
    </>
  )
}
