'use client'
import { useRouter } from 'next/navigation'
import { useState, type FormEvent } from 'react'

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
    const data = new FormData(form)
    const prompts = data.get('prompts')
    const images = data.get('images')
    if (!(prompts instanceof File) || !(images instanceof File) || prompts.size === 0 || images.size === 0) {
      setPhase({ kind: 'error', message: 'Choose both files: the images (.zip) and the prompts CSV.' })
      return
    }
    // The note first, then the small CSV, then the zip: the server reads the stream in order.
    const body = new FormData()
    const note = data.get('note')
    if (typeof note === 'string' && note !== '') body.set('note', note)
    body.set('prompts', prompts, prompts.name)
    body.set('images', images, images.name)
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/competitions/${encodeURIComponent(slug)}/data`)
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (ev) => setPhase({ kind: 'uploading', loaded: ev.loaded, total: ev.lengthComputable ? ev.total : prompts.size + images.size })
    xhr.upload.onload = () => setPhase({ kind: 'checking' })
    xhr.onerror = () => setPhase({ kind: 'error', message: 'The upload was interrupted (network error).' })
    xhr.onload = () => {
      let parsed: unknown = null
      try {
        parsed = JSON.parse(xhr.responseText)
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const v = parsed as { version?: number; imageCount?: number } | null
        setPhase({ kind: 'done', message: `Training data version ${v?.version ?? '?'} published: ${v?.imageCount ?? '?'} images.` })
        form.reset()
        router.refresh()
      } else {
        const msg = (parsed as { error?: { message?: string } } | null)?.error?.message
        setPhase({ kind: 'error', message: msg ?? `Upload failed (HTTP ${xhr.status})` })
      }
    }
    setPhase({ kind: 'uploading', loaded: 0, total: prompts.size + images.size })
    xhr.send(body)
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
