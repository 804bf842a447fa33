import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { activeSplit } from '@/lib/testsets/reads'
import { renderMarkdown } from '@/lib/competitions/markdown'
import { publicShareText, TestSetNotice } from './TestSetNotice'
import { mergerDeadlineOf } from '@/lib/teams/teams'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { fmtDate } from '@/app/components/format'

export const dynamic = 'force-dynamic'

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { competition } = await competitionPage((await params).slug)
  return { title: competition.title }
}

export default async function Overview({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params
  const sp = await searchParams
  const { competition: c, now } = await competitionPage(slug)
  const merger = mergerDeadlineOf(c)
  const split = await activeSplit(c)
  const events = [
    { at: c.startAt, label: 'Start: submissions open' },
    { at: merger, label: 'Team merger deadline: teams are fixed after this' },
    { at: c.deadline, label: 'Final submission deadline: select your final submissions before this' },
    ...(c.privateRevealedAt ? [{ at: c.privateRevealedAt, label: 'Private leaderboard revealed' }] : []),
  ].sort((a, b) => a.at.getTime() - b.at.getTime())
  const nextIndex = events.findIndex((e) => e.at > now)
  return (
    <>
      <Flash error={sp.error} notice={sp.notice} />
      <TestSetNotice split={split} />
      <div className="section-grid">
        <section className="card markdown" aria-labelledby="task" style={{ gridColumn: '1 / -1' }}>
          <h2 id="task">Task</h2>
          {/* Markdown rendered and sanitised on the server (lib/competitions/markdown.ts). */}
          <div dangerouslySetInnerHTML={{ __html: renderMarkdown(c.description || 'No description yet.') }} />
        </section>
        {c.rules && (
          <section className="card markdown" aria-labelledby="comp-rules" style={{ gridColumn: '1 / -1' }}>
            <h2 id="comp-rules">Competition rules</h2>
            <div dangerouslySetInnerHTML={{ __html: renderMarkdown(c.rules) }} />
            <p className="muted">Joining means accepting these rules.</p>
          </section>
        )}
        <section className="card" aria-labelledby="metric">
          <h2 id="metric">Metric</h2>
          <p>
            For each test image, the cosine similarity between your predicted 384-dimensional embedding and the{' '}
            <code>all-MiniLM-L6-v2</code> embedding of the true prompt. The score is the mean over images.
          </p>
          {split ? (
            <p className="muted" data-testid="public-share">
              The public leaderboard uses {publicShareText(split)} of the test images (version {split.version}); the private leaderboard, revealed
              after the deadline, uses the other {split.imageCount - split.publicCount} and decides the final ranking.
            </p>
          ) : (
            <p className="muted">No test set is active yet: the public/private split is stated here once it is.</p>
          )}
        </section>
        <section className="card" aria-labelledby="timeline">
          <h2 id="timeline">Timeline</h2>
          <ol className="timeline">
            {events.map((e, i) => (
              <li key={e.label} className={e.at <= now ? 'past' : i === nextIndex ? 'now' : undefined}>
                <strong>
                  <time dateTime={e.at.toISOString()}>{fmtDate(e.at)}</time>
                </strong>
                <br />
                {e.label}
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="rules">
          <h2 id="rules">Rules</h2>
          <dl className="facts">
            <dt>Submissions per day</dt>
            <dd>{c.dailySubmissionLimit} per team (resets 00:00 UTC; failed ones do not count)</dd>
            <dt>Team size</dt>
            <dd>at most {c.maxTeamSize}</dd>
            <dt>Final selections</dt>
            <dd>up to {c.finalSelectionLimit} (none selected: your best public ones)</dd>
            <dt>Late submissions</dt>
            <dd>scored but not ranked</dd>
            <dt>Formats</dt>
            <dd>embedding CSV, prompt-text CSV or ONNX model</dd>
          </dl>
        </section>
      </div>
    </>
  )
}
