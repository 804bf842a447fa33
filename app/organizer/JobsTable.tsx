import type { Job } from '@/lib/platform/db'
import { fmtDate } from '@/app/components/format'

/**
 * What a finished job ended with: its last log line (the handler's summary, e.g. "nothing to
 * rescore"), else its last status message; the log's ISO timestamp prefix is dropped.
 */
function finalMessage(j: Pick<Job, 'log' | 'message'>): string {
  const last = j.log.trimEnd().split('\n').pop()?.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z\s+/, '').trim()
  return last || j.message || 'done'
}

/** Jobs with status, progress, error and log; failed ones get a retry button. */
export function JobsTable({ jobs, returnTo }: { jobs: Job[]; returnTo: string }) {
  if (jobs.length === 0) return <p className="muted">No jobs.</p>
  return (
    <div className="table-wrap">
      <table>
        <caption className="sr-only">Jobs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th className="num" scope="col">Attempts</th>
            <th scope="col">Progress / error / log</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id}>
              <td>
                {fmtDate(j.createdAt)}
                <div className="muted">
                  <code>{j.id}</code>
                </div>
              </td>
              <td>
                {j.type}
                {j.submissionId && (
                  <div>
                    <a href={`/submissions/${j.submissionId}`}>submission</a>
                  </div>
                )}
              </td>
              <td>
                <span className={`badge ${j.status === 'done' ? 'scored' : j.status}`}>{j.status}</span>
              </td>
              <td className="num">
                {j.attempts}/{j.maxAttempts}
              </td>
              <td style={{ minWidth: '18rem' }}>
                {j.status === 'running' && (
                  <div className="progress-row">
                    <progress max={1} value={j.progress} aria-label={`Progress of job ${j.id}`} />
                    <span className="pct">{Math.round(j.progress * 100)}%</span>
                  </div>
                )}
                {j.status === 'done' ? (
                  <div className="muted" data-testid="job-final">
                    Finished{j.finishedAt ? ` ${fmtDate(j.finishedAt)}` : ''}: {finalMessage(j)}
                  </div>
                ) : (
                  j.message && <div className="muted">{j.message}</div>
                )}
                {j.error && <pre className="log error">{j.error}</pre>}
                {j.log && (
                  <details>
                    <summary>Log</summary>
                    <pre className="log">{j.log}</pre>
                  </details>
                )}
                {j.status === 'failed' && (
                  <form method="post" action="/forms/organizer/retry" className="actions">
                    <input type="hidden" name="id" value={j.id} />
                    <input type="hidden" name="returnTo" value={returnTo} />
                    <button type="submit" className="small">
                      Retry
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
