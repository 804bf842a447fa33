import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { findCompetition, phaseOf } from '@/lib/competitions/competitions'
import { baselineStatus } from '@/lib/baseline/baseline'
import { listTestSets } from '@/lib/testsets/reads'
import { activateOnImport } from '@/lib/testsets/versions'
import { jobsFor, listTeams, rescoreProgress } from '@/lib/views/organizer'
import { currentOrganizer } from '@/lib/web/session'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { AutoRefresh } from '@/app/components/AutoRefresh'
import { TestSetUpload } from '@/app/components/TestSetUpload'
import { fmtBytes, fmtDate, fmtScore } from '@/app/components/format'
import { listDataSets } from '@/lib/datasets/reads'
import { DataSetUpload } from '../DataSetUpload'
import { ShakeUpPanel } from '@/app/components/ShakeUpPanel'
import { describeWidth, versionWidths } from '@/lib/testsets/width'
import { CompetitionForm } from '../CompetitionForm'
import { ConsoleNav, Denied } from '../Denied'
import { JobsTable } from '../JobsTable'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Manage competition' }

export default async function ManageCompetition({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params
  const sp = await searchParams
  const here = `/organizer/${slug}`
  const { user, allowed } = await currentOrganizer()
  if (!allowed) return <Denied signedIn={user !== null} returnTo={here} />
  const c = await findCompetition(slug)
  if (!c) notFound()
  const now = new Date()
  const [testSets, rescore, teams, jobs, dataSets, baseline] = await Promise.all([
    listTestSets(slug),
    rescoreProgress(c),
    listTeams(c.id, 200),
    jobsFor({ competitionId: c.id, limit: 30 }),
    listDataSets(c.id),
    baselineStatus(c.id),
  ])
  const widths = new Map([...(await versionWidths(c.id, testSets))].map(([id, w]) => [id, describeWidth(w)]))
  const activeImages = testSets.find((v) => v.active)?.imageCount
  const processing = testSets.some((v) => v.status === 'processing')
  const rescoring = rescore !== null && (rescore.job.status === 'queued' || rescore.job.status === 'running' || rescore.finished < rescore.total)
  const phase = phaseOf(c, now)
  const baselineRunning = baseline.latest !== null && (baseline.latest.status === 'queued' || baseline.latest.status === 'running')
  return (
    <>
      <p>
        <a href="/organizer">← Organizer console</a>
      </p>
      <h1>{c.title}</h1>
      <ConsoleNav current="home" />
      <AutoRefresh active={processing || rescoring || baselineRunning} ms={1500} />
      <Flash error={sp.error} notice={sp.notice} />
      <p>
        <span className={`badge ${phase}`}>{phase}</span> · <a href={`/competitions/${c.slug}`}>participant view</a> ·{' '}
        <a href={`/competitions/${c.slug}/leaderboard?type=private`}>private leaderboard</a>
      </p>

      <section className="card" aria-labelledby="pub-h">
        <h2 id="pub-h">{c.publishedAt ? 'Published' : 'Draft'}</h2>
        <form method="post" action="/forms/organizer/publish">
          <input type="hidden" name="slug" value={c.slug} />
          <input type="hidden" name="returnTo" value={here} />
          {c.publishedAt ? (
            <>
              <p>Published {fmtDate(c.publishedAt)}: listed on the home page; participants can join and submit.</p>
              <input type="hidden" name="action" value="unpublish" />
              <button type="submit" className="secondary">
                Unpublish (back to draft)
              </button>
            </>
          ) : (
            <>
              <p>
                A draft: only organizers see it; it is not listed and nobody can join.{' '}
                {c.activeTestSetId ? 'It has an active test set and can be published.' : 'Publishing needs an active test set: upload one below.'}
              </p>
              <input type="hidden" name="action" value="publish" />
              <button type="submit" disabled={!c.activeTestSetId}>
                Publish
              </button>
            </>
          )}
        </form>
      </section>

      <section className="card" aria-labelledby="ts-h">
        <h2 id="ts-h">Test sets</h2>
        {testSets.length === 0 ? (
          <p className="muted">No test set yet: participants cannot be scored until one is active.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Test-set versions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Status</th>
                  <th className="num" scope="col">Images</th>
                  <th className="num" scope="col">Public</th>
                  <th scope="col">Created</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {testSets.map((v) => (
                  <tr key={v.id} className={v.active ? 'me' : undefined}>
                    <td>
                      v{v.version} {v.active && <strong>(active)</strong>}
                      {v.note && <div className="muted">{v.note}</div>}
                    </td>
                    <td style={{ minWidth: '14rem' }}>
                      <span className={`badge ${v.status === 'ready' ? 'scored' : v.status === 'processing' ? 'running' : 'failed'}`}>{v.status}</span>
                      {v.status === 'processing' && (
                        <>
                          <div className="progress-row">
                            <progress max={1} value={v.progress ?? 0} aria-label={`Import progress of version ${v.version}`} />
                            <span className="pct">{Math.round((v.progress ?? 0) * 100)}%</span>
                          </div>
                          <div className="muted">{v.message ?? 'waiting for a worker'}</div>
                        </>
                      )}
                      {v.error && <pre className="log error">{v.error}</pre>}
                    </td>
                    <td className="num">{v.imageCount}</td>
                    <td className="num">
                      {v.status === 'ready' && v.imageCount > 0 ? `${v.publicCount} (${Math.round((100 * v.publicCount) / v.imageCount)}%)` : `${Math.round(v.publicFraction * 100)}% planned`}
                      {widths.get(v.id) && <div className="muted">{widths.get(v.id)}</div>}
                    </td>
                    <td>
                      {fmtDate(v.createdAt)}
                      <div className="muted">seed {v.seed}</div>
                    </td>
                    <td>
                      {v.status === 'ready' && !v.active && (
                        <a className="button small" href={`/organizer/${c.slug}/confirm?action=activate&version=${v.version}`}>
                          Activate v{v.version}…
                        </a>
                      )}
                      {v.active && v.activatedAt && <span className="muted">since {fmtDate(v.activatedAt)}</span>}
                      {v.status === 'failed' && (
                        <form method="post" action="/forms/organizer/delete-testset">
                          <input type="hidden" name="slug" value={c.slug} />
                          <input type="hidden" name="version" value={v.version} />
                          <input type="hidden" name="returnTo" value={here} />
                          <button type="submit" className="small">
                            Delete v{v.version}
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {rescore && (
          <div aria-live="polite" style={{ marginTop: '1rem' }}>
            <h3 style={{ marginBottom: '0.25rem' }}>Rescoring</h3>
            <p className="muted" style={{ margin: 0 }}>
              Started {fmtDate(rescore.job.createdAt)}; rescoring job <span className={`badge ${rescore.job.status === 'done' ? 'scored' : rescore.job.status}`}>{rescore.job.status}</span>
              {rescore.job.message && ` — ${rescore.job.message}`}
            </p>
            <div className="progress-row">
              <progress max={Math.max(1, rescore.total)} value={rescore.total === 0 ? (rescore.job.status === 'done' ? 1 : 0) : rescore.finished} aria-label="Rescoring progress" />
              <span className="pct">
                {rescore.finished}/{rescore.total}
              </span>
            </div>
            <p className="muted" style={{ margin: 0 }}>
              {rescore.counts.queued} queued · {rescore.counts.running} running · {rescore.counts.done} done ·{' '}
              <span className={rescore.counts.failed > 0 ? 'error' : undefined}>{rescore.counts.failed} failed</span>
            </p>
          </div>
        )}
        <h3>Upload a new version</h3>
        <TestSetUpload slug={c.slug} publicFraction={c.publicFraction} activatesOnImport={activateOnImport(c, undefined)} images={activeImages} />
      </section>

      <section className="card" aria-labelledby="data-h">
        <h2 id="data-h">Training data</h2>
        {dataSets.length === 0 ? (
          <p className="muted">None yet: participants have only the example images.</p>
        ) : (
          <ul>
            {dataSets.map((d, i) => (
              <li key={d.id}>
                v{d.version}
                {i === 0 && <strong> (shown to participants)</strong>}: {d.imageCount} images, {fmtBytes(d.totalBytes)}, {fmtDate(d.createdAt)}
                {d.note && <span className="muted"> — {d.note}</span>}
              </li>
            ))}
          </ul>
        )}
        <h3>Upload a new version</h3>
        <DataSetUpload slug={c.slug} />
      </section>

      <section className="card" aria-labelledby="baseline-h">
        <h2 id="baseline-h">Reference baseline</h2>
        <p className="muted">
          A pretrained EfficientNet-Lite2 ensemble fitted on the training data (grouped cross-validation), exported as one ONNX model and scored through the
          same runner as participants&apos; models; participants download it as the starter kit.
        </p>
        {baseline.latest ? (
          <p>
            Latest run ({fmtDate(baseline.latest.createdAt)}): <strong>{baseline.latest.status}</strong>
            {baselineRunning && <> · {Math.round(baseline.latest.progress * 100)}%</>}
            {baseline.latest.status === 'scored' && (
              <>
                {' '}
                · public {fmtScore(baseline.latest.publicScore)} on {baseline.latest.provider ?? 'cpu'}
              </>
            )}
            {baseline.latest.error && <span className="flash-error"> · {baseline.latest.error}</span>}
            <br />
            <span className="muted">{baseline.latest.description}</span>
          </p>
        ) : (
          <p className="muted">Not run yet.</p>
        )}
        {baseline.current && <p className="muted">On the leaderboard until the new run is scored: public {fmtScore(baseline.current.publicScore)}.</p>}
        <form method="post" action="/forms/organizer/baseline">
          <input type="hidden" name="slug" value={c.slug} />
          <input type="hidden" name="returnTo" value={here} />
          {sp.overlap === '1' && (
            <label>
              <input type="checkbox" name="confirmOverlap" value="yes" /> run anyway, although training images overlap the hidden test set
            </label>
          )}
          <button type="submit" disabled={baselineRunning}>
            {baseline.latest ? 'Run the baseline again' : 'Run the baseline'}
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby="reveal-h">
        <h2 id="reveal-h">Private leaderboard</h2>
        {c.privateRevealedAt ? (
          <p>Revealed {fmtDate(c.privateRevealedAt)}: everyone sees the private leaderboard and private scores.</p>
        ) : now < c.deadline ? (
          <p className="muted">Can be revealed after the deadline ({fmtDate(c.deadline)}).</p>
        ) : (
          <>
            <p>The competition is over. Revealing shows the private leaderboard and private scores to everyone; it cannot be undone.</p>
            <a className="button" href={`/organizer/${c.slug}/confirm?action=reveal`}>
              Reveal private leaderboard…
            </a>
          </>
        )}
      </section>

      <section className="card" aria-labelledby="shakeup-h">
        <h2 id="shakeup-h">Shake-up forecast</h2>
        <ShakeUpPanel viewer={user} competition={c} />
      </section>

      <section className="card" aria-labelledby="edit-h">
        <h2 id="edit-h">Settings</h2>
        <CompetitionForm competition={c} />
      </section>

      <section className="card" aria-labelledby="teams-h">
        <h2 id="teams-h">Teams ({teams.total})</h2>
        {teams.rows.length === 0 ? (
          <p className="muted">No teams yet.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Team</th>
                  <th scope="col">Members</th>
                  <th className="num" scope="col">Submissions</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {teams.rows.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{t.members.join(', ')}</td>
                    <td className="num">{t.submissions}</td>
                    <td>{fmtDate(t.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {teams.rows.length < teams.total && <p className="muted">First {teams.rows.length} of {teams.total} teams.</p>}
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="jobs-h">
        <h2 id="jobs-h">Recent jobs</h2>
        <JobsTable jobs={jobs} returnTo={here} />
      </section>
    </>
  )
}
