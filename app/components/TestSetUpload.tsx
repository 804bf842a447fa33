'use client'
import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { forecastIntervalWidth } from '@/scoring/stats/width'
import { postImageSet } from './image-set-upload'

type Phase = { kind: 'idle' } | { kind: 'uploading'; loaded: number; total: number } | { kind: 'done'; version: number | null } | { kind: 'error'; message: string }

/**
 * Organizer: uploads a new test-set version (images .zip + prompts CSV) to the REST API with
 * upload progress; the page then shows the import (embedding) progress of the version.
 */
export function TestSetUpload({ slug, publicFraction, activatesOnImport, images }: { slug: string; publicFraction: number; activatesOnImport: boolean; images?: number }) {
  const router = useRouter()
  const [fraction, setFraction] = useState(publicFraction)
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' })

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const form = e.currentTarget
    postImageSet(`/api/competitions/${encodeURIComponent(slug)}/testsets`, new FormData(form), ['publicFraction', 'seed', 'note'], {
      onProgress: (loaded, total) => setPhase({ kind: 'uploading', loaded, total }),
      onDone: (body) => {
        const v = (body as { testSet?: { version?: number }; version?: { version?: number } } | null) ?? null
        setPhase({ kind: 'done', version: v?.testSet?.version ?? v?.version?.version ?? null })
        form.reset()
        router.refresh()
      },
      onError: (message) => {
        setPhase({ kind: 'error', message })
        router.refresh()
      },
    })
  }

  const uploading = phase.kind === 'uploading'
  return (
    <form method="post" action={`/api/competitions/${slug}/testsets`} encType="multipart/form-data" onSubmit={onSubmit}>
      <div className="form-grid">
        <div>
          <label htmlFor="ts-images">Images (.zip)</label>
          <input id="ts-images" name="images" type="file" accept=".zip,application/zip" required />
        </div>
        <div>
          <label htmlFor="ts-prompts">Prompts CSV (imgId,prompt)</label>
          <input id="ts-prompts" name="prompts" type="file" accept=".csv,text/csv" required />
        </div>
        <div>
          <label htmlFor="ts-fraction">Public fraction</label>
          <input id="ts-fraction" name="publicFraction" type="number" step="0.01" min="0.01" max="0.99" defaultValue={publicFraction} onChange={(e) => setFraction(Number(e.target.value))} aria-describedby="ts-fraction-help" />
          <WidthHelp images={images} fraction={fraction} />
        </div>
        <div>
          <label htmlFor="ts-seed">Split seed (optional)</label>
          <input id="ts-seed" name="seed" type="number" min="0" step="1" placeholder="random" />
        </div>
      </div>
      <label htmlFor="ts-note">Note</label>
      <input id="ts-note" name="note" maxLength={500} placeholder="e.g. fixed duplicate prompts" />
      <p className="muted" data-testid="activation-note">
        {activatesOnImport
          ? 'This is the first version of a draft: it becomes active as soon as it is ready (nobody has submitted yet).'
          : 'The new version does not become active by itself: once it is ready, activate it above; you will see how many submissions that rescores before confirming.'}
      </p>
      <div className="actions">
        <button type="submit" disabled={uploading}>
          {uploading ? 'Uploading…' : 'Upload test set'}
        </button>
      </div>
      <div className="upload-status" aria-live="polite" style={{ minHeight: '3.5rem' }}>
        {phase.kind === 'uploading' && (
          <>
            <label htmlFor="ts-progress">Uploading files</label>
            <div className="progress-row">
              <progress id="ts-progress" max={phase.total || 1} value={phase.loaded} />
              <span className="pct">{Math.round((phase.total ? phase.loaded / phase.total : 0) * 100)}%</span>
            </div>
          </>
        )}
        {phase.kind === 'done' && <p className="flash flash-notice">Uploaded{phase.version ? ` as version ${phase.version}` : ''}; embedding the prompts now (see below).</p>}
        {phase.kind === 'error' && (
          <p className="flash flash-error" role="alert">
            {phase.message}
          </p>
        )}
      </div>
    </form>
  )
}

/**
 * How wide a typical submission's public-score interval will be at this share (scoring/stats
 * forecastIntervalWidth, default per-image sd 0.068), for the active version's image count.
 */
function WidthHelp({ images, fraction }: { images?: number; fraction: number }) {
  const n = images ?? 0
  const w = n >= 3 && fraction > 0 && fraction < 1 ? forecastIntervalWidth({ images: n, publicFraction: fraction }) : null
  return (
    <div id="ts-fraction-help" className="muted" style={{ fontSize: '0.85rem' }}>
      {w
        ? `With ${n.toLocaleString('en-US')} images (the active version): a typical submission gets ± ${w.halfWidth.toPrecision(3)} on its public score; public and private may differ by up to ± ${w.gapHalfWidth.toPrecision(3)}.`
        : 'A larger public share narrows the ± on public scores and widens the gap public and private scores may show.'}
    </div>
  )
}
