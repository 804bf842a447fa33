'use client'
import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'
import { postImageSet } from '@/app/components/image-set-upload'

type Phase = { kind: 'idle' } | { kind: 'uploading'; loaded: number; total: number } | { kind: 'checking' } | { kind: 'done'; message: string } | { kind: 'error'; message: string }

/**
 * Organizer: uploads a training-data version (images .zip + prompts CSV) to
 * POST /api/competitions/:slug/data with upload progress; the server checks the files at once.
 */
export function DataSetUpload({ slug }: { slug: string }) {
  const router = useRouter()
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' })

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const form = e.currentTarget
    postImageSet(`/api/competitions/${encodeURIComponent(slug)}/data`, new FormData(form), ['note'], {
      onProgress: (loaded, total) => setPhase({ kind: 'uploading', loaded, total }),
      onSent: () => setPhase({ kind: 'checking' }),
      onDone: (body) => {
        const v = body as { version?: number; imageCount?: number } | null
        setPhase({ kind: 'done', message: `Training data version ${v?.version ?? '?'} published: ${v?.imageCount ?? '?'} images.` })
        form.reset()
        router.refresh()
      },
      onError: (message) => setPhase({ kind: 'error', message }),
    })
  }

  const busy = phase.kind === 'uploading' || phase.kind === 'checking'
  return (
    <form method="post" action={`/api/competitions/${slug}/data`} encType="multipart/form-data" onSubmit={onSubmit}>
      <div className="form-grid">
        <div>
          <label htmlFor="ds-images">Images (.zip)</label>
          <input id="ds-images" name="images" type="file" accept=".zip,application/zip" required />
        </div>
        <div>
          <label htmlFor="ds-prompts">Prompts CSV (imgId,prompt)</label>
          <input id="ds-prompts" name="prompts" type="file" accept=".csv,text/csv" required />
        </div>
      </div>
      <label htmlFor="ds-note">Note</label>
      <input id="ds-note" name="note" maxLength={500} placeholder="e.g. 2,000 more images" />
      <p className="muted">Participants see the newest version on the Data page at once and can download it whole or by file.</p>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Uploading…' : 'Upload training data'}
        </button>
      </div>
      <div className="upload-status" aria-live="polite" style={{ minHeight: '3.5rem' }}>
        {phase.kind === 'uploading' && (
          <>
            <label htmlFor="ds-progress">Uploading files</label>
            <div className="progress-row">
              <progress id="ds-progress" max={phase.total || 1} value={phase.loaded} />
              <span className="pct">{Math.round((phase.total ? phase.loaded / phase.total : 0) * 100)}%</span>
            </div>
          </>
        )}
        {phase.kind === 'checking' && <p className="muted">Checking the files…</p>}
        {phase.kind === 'done' && <p className="flash flash-notice">{phase.message}</p>}
        {phase.kind === 'error' && (
          <p className="flash flash-error" role="alert">
            {phase.message}
          </p>
        )}
      </div>
    </form>
  )
}
