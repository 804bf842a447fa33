import type { Metadata } from 'next'
import { competitionPage } from '@/lib/web/competition-page'
import { listExamples } from '@/lib/testsets/examples'
import { firstImageIds, readyActiveTestSet } from '@/lib/testsets/reads'
import { dataListing } from '@/lib/datasets/listing'
import { dataSetPage, latestDataSet } from '@/lib/datasets/reads'
import { fmtBytes, fmtDate } from '@/app/components/format'
import { param, type SearchParams } from '@/app/components/Flash'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Data' }

export default async function DataPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params
  const sp = await searchParams
  const { competition: c } = await competitionPage(slug)
  const [examples, active, listing, training] = await Promise.all([
    listExamples(c.id),
    readyActiveTestSet(c),
    dataListing(c, { files: false }),
    latestDataSet(c.id),
  ])
  const ids = active ? await firstImageIds(active.id, 2) : []
  const [a, b] = [ids[0] ?? 'imageA', ids[1] ?? 'imageB']
  const gallery = training ? await dataSetPage(training, Number(param(sp.page) ?? 1)) : null
  const base = `/competitions/${c.slug}/data`
  return (
    <div className="section-grid">
      <section className="card" aria-labelledby="train-h" style={{ gridColumn: '1 / -1' }}>
        <h2 id="train-h">Training data</h2>
        {listing.download && training ? (
          <>
            <p>
              <a className="button" href={listing.download.url} download={listing.download.fileName} data-testid="download-data">
                Download all ({fmtBytes(listing.totalBytes)}, zip)
              </a>{' '}
              <a href={`/api/competitions/${c.slug}/data/files/prompts.csv`} download>
                prompts.csv
              </a>
            </p>
            <p className="muted">
              Version {listing.version} of {fmtDate(training.createdAt)}: {listing.imageCount} images with the prompts that generated them
              (<code>imgId,prompt</code>). The zip holds <code>prompts.csv</code> and <code>images/</code>; every file is also listed by{' '}
              <code>GET /api/competitions/{c.slug}/data</code>.
            </p>
          </>
        ) : (
          <p className="muted">The organizers have not published training data for this competition yet.</p>
        )}
        {gallery && gallery.images.length > 0 && (
          <>
            <div className="examples">
              {gallery.images.map((img) => (
                <figure key={img.fileName}>
                  <img src={`/api/competitions/${c.slug}/data/files/${encodeURIComponent(img.fileName)}`} alt={`Training image ${img.imageId}`} width={256} height={256} loading="lazy" />
                  <figcaption>
                    <code className="muted">{img.imageId}</code>
                    <br />“{img.prompt}”
                  </figcaption>
                </figure>
              ))}
            </div>
            {gallery.pages > 1 && (
              <nav className="pager" aria-label="Training images pages">
                {gallery.page > 1 && <a href={`${base}?page=${gallery.page - 1}`}>← previous</a>} page {gallery.page} of {gallery.pages}{' '}
                {gallery.page < gallery.pages && <a href={`${base}?page=${gallery.page + 1}`}>next →</a>}
              </nav>
            )}
          </>
        )}
      </section>
      <section className="card" aria-labelledby="files-h">
        <h2 id="files-h">Sample submission and starter kit</h2>
        {listing.sampleSubmission && active ? (
          <>
            <p>
              <a className="button" href={listing.sampleSubmission.url} download>
                Download sample_submission.csv
              </a>
            </p>
            <p className="muted">
              {active.imageCount} hidden test images (test-set version {active.version}), {active.imageCount * active.dim} rows,{' '}
              {fmtBytes(listing.sampleSubmission.size)}. Every value is the same unit vector: a valid submission that scores the mean cosine of a
              constant guess.
            </p>
          </>
        ) : (
          <p className="muted">The sample submission appears once the organizer activates a test set.</p>
        )}
        {listing.starterKit ? (
          <p>
            <a href={listing.starterKit.url} download>
              Starter model ({fmtBytes(listing.starterKit.size)})
            </a>
          </p>
        ) : (
          <p className="muted">No starter model yet.</p>
        )}
      </section>
      <section className="card" aria-labelledby="format-h">
        <h2 id="format-h">Submission format</h2>
        <p>
          A CSV with header <code>imgId_eId,val</code> and one row per test image and embedding dimension (0–383): <code>imgId_eId</code> is the
          image id, an underscore and the dimension.
        </p>
        <pre className="code" data-testid="format-example">{`imgId_eId,val\n${a}_0,0.0188\n${a}_1,0.0302\n…\n${a}_383,-0.0127\n${b}_0,…`}</pre>
        <p className="muted">
          Vectors need not be normalized. Alternatively upload <code>imgId,prompt</code> (we embed your prompts), e.g. <code>{a},a photo of …</code>, or
          an ONNX model that maps an image to 384 numbers.
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
