import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { listTeamSubmissions } from '@/lib/submissions/read'
import { canSeePrivate } from '@/lib/competitions/competitions'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { AutoRefresh } from '@/app/components/AutoRefresh'
import { errorWithLine, fmtBytes, fmtDate, fmtScore } from '@/app/components/format'
import { LocalTime } from '@/app/components/LocalTime'
import { submissionRunLog } from '@/lib/submissions/download'
import { ScoreInterval } from '@/app/components/ScoreInterval'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'My submissions' }

export default async function MySubmissions({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params
  const sp = await searchParams
  const { competition: c, viewer, team, now } = await competitionPage(slug)
  const here = `/competitions/${c.slug}/submissions`
  if (!viewer || !team) {
    return (
      <p className="card">
        {viewer ? 'Join the competition to submit.' : <a href={`/signin?returnTo=${encodeURIComponent(here)}`}>Sign in to see your submissions.</a>}
      </p>
    )
  }
  const { submissions, quota, finalSelectionLimit } = await listTeamSubmissions(viewer, c)
  const showPrivate = canSeePrivate(viewer, c)
  const runLogs = new Map(await Promise.all(submissions.filter((s) => s.kind === 'model').map(async (s) => [s.id, await submissionRunLog(viewer, s.id)] as const)))
  const open = now < c.deadline
  const pending = submissions.some((s) => s.status === 'queued' || s.status === 'running')
  return (
    <>
      <AutoRefresh active={pending} />
      <Flash error={sp.error} notice={sp.notice} />
      <p>
        {quota.remaining} of {quota.limit} submissions left today · select up to {finalSelectionLimit} for the final leaderboard
        {open ? ' (none selected: your best public ones count)' : ' (selection closed)'}.
      </p>
      {submissions.length === 0 ? (
        <p className="card">
          No submissions yet. <a href={`/competitions/${c.slug}/submit`}>Make your first one.</a>
        </p>
      ) : (
        <form method="post" action="/forms/selection">
          <input type="hidden" name="slug" value={c.slug} />
          <input type="hidden" name="returnTo" value={here} />
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Your team’s submissions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Final</th>
                  <th scope="col">Submitted</th>
                  <th scope="col">File / description</th>
                  <th scope="col">Status</th>
                  <th className="num" scope="col">Public</th>
                  <th className="num" scope="col">Private</th>
                </tr>
              </thead>
              <tbody>
                {submissions.map((s) => {
                  const selectable = s.status === 'scored' && !s.late && open
                  return (
                    <tr key={s.id}>
                      <td>
                        <input
                          type="checkbox"
                          name="submissionId"
                          value={s.id}
                          defaultChecked={s.selected}
                          disabled={!selectable}
                          aria-label={`Select ${s.fileName} from ${fmtDate(s.createdAt)} for the final leaderboard`}
                          style={{ width: 'auto' }}
                        />
                      </td>
                      <td>
                        <a href={`/submissions/${s.id}`}>
                          <LocalTime at={s.createdAt} relative />
                        </a>
                        {s.submittedBy && <div className="muted">by {s.submittedBy}</div>}
                      </td>
                      <td>
                        <code>{s.fileName}</code> <span className="muted">({s.kind}, {fmtBytes(s.fileSize)})</span>{' '}
                        <a href={`/api/submissions/${s.id}/file`} download aria-label={`Download ${s.fileName}`}>
                          download
                        </a>
                        {s.description && <div>{s.description}</div>}
                        {s.status === 'failed' && s.error && (
                          <pre className="log error">{errorWithLine(s.error, s.errorLine)}</pre>
                        )}
                        {s.kind === 'model' && runLogs.get(s.id)!.length > 0 && (
                          <details className="run-log">
                            <summary>Run log</summary>
                            <ol className="log">
                              {runLogs.get(s.id)!.map((line, i) => (
                                <li key={i}>
                                  {line.at ? <LocalTime at={line.at} /> : <span className="muted">now</span>} {line.text}
                                </li>
                              ))}
                            </ol>
                          </details>
                        )}
                      </td>
                      <td>
                        <span className={`badge ${s.status}`}>{s.status}</span>
                        {s.status === 'running' && <span className="muted"> {Math.round(s.progress * 100)}%</span>}
                        {s.late && <div className="muted">late (not ranked)</div>}
                        {s.selected && <div><strong>selected</strong></div>}
                      </td>
                      <td className="num">
                        <ScoreInterval score={s.publicScore} halfWidth={s.publicHalfWidth} />
                      </td>
                      <td className="num">{showPrivate ? fmtScore(s.privateScore) : <span className="muted" title="Shown after the reveal">hidden</span>}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
          {open && (
            <div className="actions">
              <button type="submit">Save final selection</button>
              <span className="muted">Tick at most {finalSelectionLimit}.</span>
            </div>
          )}
        </form>
      )}
    </>
  )
}
