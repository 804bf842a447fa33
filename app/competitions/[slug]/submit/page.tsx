import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { teamQuota } from '@/lib/submissions/quota'
import { readyActiveTestSet } from '@/lib/testsets/reads'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { UploadForm } from '@/app/components/UploadForm'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Submit' }

export default async function SubmitPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params
  const sp = await searchParams
  const { competition: c, viewer, team, phase } = await competitionPage(slug)
  const base = `/competitions/${c.slug}/submit`
  if (!viewer) {
    return (
      <p className="card">
        <a href={`/signin?returnTo=${encodeURIComponent(base)}`}>Sign in</a> or <a href={`/signup?returnTo=${encodeURIComponent(base)}`}>create an account</a> to submit.
      </p>
    )
  }
  if (!team) {
    return (
      <div className="card">
        <Flash error={sp.error} notice={sp.notice} />
        <p>Join the competition to submit. You start as a one-person team; you can merge with other teams later.</p>
        {phase !== 'finished' && (
          <form method="post" action="/forms/join">
            <input type="hidden" name="slug" value={c.slug} />
            <input type="hidden" name="returnTo" value={base} />
            <button type="submit">Join competition</button>
          </form>
        )}
      </div>
    )
  }
  const [quota, testSet] = await Promise.all([teamQuota(c, team.id), readyActiveTestSet(c)])
  return (
    <div className="section-grid">
      <section className="card" aria-labelledby="submit-h" style={{ gridColumn: 'span 2' }}>
        <h2 id="submit-h">Make a submission</h2>
        <Flash error={sp.error} notice={sp.notice} />
        {phase === 'finished' && <p className="muted">The deadline has passed: new submissions are scored but not ranked.</p>}
        {testSet === null && <p className="flash flash-error">The organizer has not activated a test set yet; submissions wait until one is ready.</p>}
        <UploadForm slug={c.slug} apiAction={`/api/competitions/${c.slug}/submissions`} fallbackAction="/forms/submit" remaining={quota.remaining} limit={quota.limit} />
      </section>
      <section className="card" aria-labelledby="fmt-h">
        <h2 id="fmt-h">Formats</h2>
        <p>
          <strong>Embeddings</strong> — one row per image and dimension, 384 rows per image:
        </p>
        <pre className="code">{'imgId_eId,val\n20057f34d_0,0.0188\n20057f34d_1,0.0302\n…'}</pre>
        <p>
          <strong>Prompts</strong> — we embed them with all-MiniLM-L6-v2:
        </p>
        <pre className="code">{'imgId,prompt\n20057f34d,"a photo of …"'}</pre>
        <p>
          <strong>ONNX model</strong> — run on the hidden images in a sandbox. See <a href={`/competitions/${c.slug}/data`}>Data</a> for the sample file.
        </p>
      </section>
    </div>
  )
}
