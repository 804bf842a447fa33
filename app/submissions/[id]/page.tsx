import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { currentUser } from '@/lib/web/session'
import { submissionDetail, type HistogramView } from '@/lib/views/submission'
import { Histogram, type HistogramSeries } from '@/app/components/charts/Histogram'
import { AutoRefresh } from '@/app/components/AutoRefresh'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { fmtBytes, fmtDate, fmtScore, errorWithLine } from '@/app/components/format'
import { ScoreInterval } from '@/app/components/ScoreInterval'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Submission' }

function Delta({ value, base }: { value: number | null; base: number | null | undefined }) {
  if (value === null || base === null || base === undefined) return null
  const d = value - base
  return (
    <span className={d >= 0 ? 'delta-up' : 'delta-down'}>
      {d >= 0 ? '+' : '−'}
      {Math.abs(d).toFixed(5)} vs baseline
    </span>
  )
}

export default async function SubmissionPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: SearchParams }) {
  const { id } = await params
  const sp = await searchParams
  const viewer = await currentUser()
  if (!viewer) {
    return (
      <p className="card">
        <a href={`/signin?returnTo=${encodeURIComponent(`/submissions/${id}`)}`}>Sign in</a> to see this submission.
      </p>
    )
  }
  const detail = await submissionDetail(viewer, id)
  if (!detail) notFound()
  const { submission: s, baseline, histograms, showPrivate } = detail
  const isOrganizer = viewer.role === 'organizer'
  const pending = s.status === 'queued' || s.status === 'running'
  const series = (h: HistogramView): HistogramSeries[] => [
    { name: 'This submission', ...h.submission, style: 'fill' },
    ...(h.baseline ? [{ name: `Baseline “${baseline?.name}”`, ...h.baseline, style: 'outline' as const }] : []),
  ]
  return (
    <>
      <AutoRefresh active={pending} />
      <p>
        <a href={`/competitions/${s.competition}/submissions`}>← {detail.competitionTitle}: my submissions</a>
      </p>
      <h1>
        Submission <code>{s.fileName}</code>
      </h1>
      <Flash error={sp.error} notice={sp.notice} />
      <p className="muted">
        {s.kind} · {fmtBytes(s.fileSize)} · submitted {fmtDate(s.createdAt)}
        {s.submittedBy && ` by ${s.submittedBy}`}
        {detail.testSetVersion !== null && ` · test set v${detail.testSetVersion}`}
        {s.late && ' · late (not ranked)'}
        {s.isBaseline && ' · baseline'}
      </p>
      {s.description && <p>{s.description}</p>}
      <section className="card" aria-live="polite">
        <div className="kpis">
          <div>
            <div className="label">Status</div>
            <span className={`badge ${s.status}`}>{s.status}</span>
            {pending && (
              <div className="progress-row" style={{ marginTop: '0.4rem' }}>
                <progress max={1} value={s.progress} aria-label="Scoring progress" />
                <span className="pct">{Math.round(s.progress * 100)}%</span>
              </div>
            )}
          </div>
          <div>
            <div className="label">Public score</div>
            <div className="score-big">
              <ScoreInterval score={s.publicScore} halfWidth={s.publicHalfWidth} />
            </div>
            <Delta value={s.publicScore} base={baseline?.publicScore} />
          </div>
          <div>
            <div className="label">Private score</div>
            <div className="score-big">{showPrivate ? fmtScore(s.privateScore) : <span className="muted" style={{ fontSize: '1rem' }}>hidden until the reveal</span>}</div>
            {showPrivate && <Delta value={s.privateScore} base={baseline?.privateScore} />}
          </div>
          {baseline && (
            <div>
              <div className="label">Baseline “{baseline.name}”</div>
              <div>public {fmtScore(baseline.publicScore)}</div>
              {showPrivate && <div>private {fmtScore(baseline.privateScore)}</div>}
            </div>
          )}
        </div>
        {s.status === 'failed' && (
          <>
            <h2 className="error">Error</h2>
            <pre className="log error">{errorWithLine(s.error, s.errorLine)}</pre>
          </>
        )}
      </section>
      {s.status === 'scored' && histograms.public && (
        <section className="card" aria-labelledby="hist-pub-h">
          <h2 id="hist-pub-h">Per-image cosine, public images</h2>
          <Histogram id="hist-public" title="Per-image cosine similarity on the public images" edges={histograms.public.edges} series={series(histograms.public)} />
        </section>
      )}
      {s.status === 'scored' && isOrganizer && histograms.private && (
        <section className="card" aria-labelledby="hist-priv-h">
          <h2 id="hist-priv-h">Per-image cosine, private images (organizers only)</h2>
          <Histogram id="hist-private" title="Per-image cosine similarity on the private images" edges={histograms.private.edges} series={series(histograms.private)} />
        </section>
      )}
    </>
  )
}
