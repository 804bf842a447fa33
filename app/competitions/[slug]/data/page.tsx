import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { listExamples } from '@/lib/testsets/examples'
import { db } from '@/lib/platform/db'
import { fmtBytes } from '@/app/components/format'
import { storage } from '@/lib/platform/storage'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Data' }

export default async function DataPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params
  const { competition: c } = await competitionPage(slug)
  const [examples, active] = await Promise.all([
    listExamples(c.id),
    c.activeTestSetId ? db().testSetVersion.findUnique({ where: { id: c.activeTestSetId } }) : Promise.resolve(null),
  ])
  const sampleSize = active?.sampleKey ? await storage().size(active.sampleKey).catch(() => null) : null
  return (
    <div className="section-grid">
      <section className="card" aria-labelledby="files-h">
        <h2 id="files-h">Files</h2>
        {active && active.status === 'ready' && active.sampleKey ? (
          <>
            <p>
              <a className="button" href={`/api/competitions/${c.slug}/sample-submission`} download>
                Download sample_submission.csv
              </a>
            </p>
            <p className="muted">
              {active.imageCount} hidden test images (test-set version {active.version}), {active.imageCount * active.dim} rows
              {sampleSize !== null && `, ${fmtBytes(sampleSize)}`}. Every value is the same unit vector: a valid submission that scores the
              mean cosine of a constant guess.
            </p>
          </>
        ) : (
          <p className="muted">The sample submission appears once the organizer activates a test set.</p>
        )}
      </section>
      <section className="card" aria-labelledby="format-h">
        <h2 id="format-h">Submission format</h2>
        <p>
          A CSV with header <code>imgId_eId,val</code> and one row per test image and embedding dimension (0–383): <code>imgId_eId</code> is the
          image id, an underscore and the dimension.
        </p>
        <pre className="code">{'imgId_eId,val\n20057f34d_0,0.0188\n20057f34d_1,0.0302\n…\n20057f34d_383,-0.0127\n227ef0887_0,…'}</pre>
        <p className="muted">
          Vectors need not be normalized. Alternatively upload <code>imgId,prompt</code> (we embed your prompts) or an ONNX model that maps an
          image to 384 numbers.
        </p>
      </section>
      <section aria-labelledby="examples-h" style={{ gridColumn: '1 / -1' }}>
        <h2 id="examples-h">Example images and their prompts</h2>
        {examples.length === 0 ? (
          <p className="muted">No example images published for this competition.</p>
        ) : (
          <div className="examples">
            {examples.map((e) => (
              <figure key={e.fileName}>
                <img src={`/api/competitions/${c.slug}/examples/${encodeURIComponent(e.fileName)}`} alt={`Example image ${e.imageId}`} width={e.width || 512} height={e.height || 512} loading="lazy" />
                <figcaption>
                  <code className="muted">{e.imageId}</code>
                  <br />“{e.prompt}”
                </figcaption>
              </figure>
            ))}
          </div>
        )}
      </section>
    </div>
  )
}
