'use client'
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react'
import { errorWithLine } from './format'

interface Polled {
  id: string
  status: 'queued' | 'running' | 'scored' | 'failed'
  progress: number
  publicScore: number | null
  error: string | null
  errorLine: number | null
}

interface ApiErrorBody {
  error?: { message?: string; code?: string }
}

/** What the file picker offers: the forms the scorer reads (plain, gzip, zip) and ONNX models. */
const ACCEPTED_FILES = '.csv,.csv.gz,.gz,.zip,.onnx,text/csv,application/gzip,application/zip'

type Phase = { kind: 'idle' } | { kind: 'uploading'; loaded: number; total: number } | { kind: 'tracking'; sub: Polled } | { kind: 'error'; message: string }

function pct(f: number): string {
  return `${Math.round(Math.max(0, Math.min(1, f)) * 100)}%`
}

function errorMessage(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as ApiErrorBody
    if (body.error?.message) return body.error.message
  } catch {
    /* not JSON */
  }
  return `Upload failed (HTTP ${status})`
}

/** The submitted row, whether the API wraps it (`{submission}`) or not. */
function unwrap(body: unknown): Polled | null {
  if (typeof body !== 'object' || body === null) return null
  const inner = (body as { submission?: unknown }).submission ?? body
  if (typeof inner === 'object' && inner !== null && typeof (inner as Polled).id === 'string') return inner as Polled
  return null
}

/**
 * Drag-and-drop submission upload: the file goes up in one multipart request (XMLHttpRequest, for
 * its upload progress events), then the submission is polled until it is scored or failed.
 * Without JavaScript the same form posts to `fallbackAction` and the server redirects.
 */
export function UploadForm({ slug, apiAction, fallbackAction, remaining, limit }: { slug: string; apiAction: string; fallbackAction: string; remaining: number; limit: number }) {
  const [file, setFile] = useState<File | null>(null)
  const [over, setOver] = useState(false)
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' })
  const [left, setLeft] = useState(remaining)
  const inputRef = useRef<HTMLInputElement>(null)
  const busy = phase.kind === 'uploading' || (phase.kind === 'tracking' && (phase.sub.status === 'queued' || phase.sub.status === 'running'))
  const trackingId = phase.kind === 'tracking' ? phase.sub.id : null
  const trackingDone = phase.kind === 'tracking' && (phase.sub.status === 'scored' || phase.sub.status === 'failed')

  // The counter after anything but a clean upload is the server's: a refused upload may or may not
  // have counted, and a failed submission is given back.
  async function refreshQuota() {
    try {
      const res = await fetch(`/api/competitions/${encodeURIComponent(slug)}/submissions`, { headers: { accept: 'application/json' }, cache: 'no-store' })
      if (!res.ok) return
      const body = (await res.json()) as { quota?: { remaining?: number } }
      if (typeof body.quota?.remaining === 'number') setLeft(body.quota.remaining)
    } catch {
      /* keep the counter shown */
    }
  }

  useEffect(() => {
    if (trackingDone && phase.kind === 'tracking' && phase.sub.status === 'failed') void refreshQuota()
    // Once per finished submission.
  }, [trackingId, trackingDone])

  useEffect(() => {
    if (!trackingId || trackingDone) return
    let stopped = false
    const poll = async () => {
      try {
        const res = await fetch(`/api/submissions/${encodeURIComponent(trackingId)}`, { headers: { accept: 'application/json' }, cache: 'no-store' })
        if (res.ok && !stopped) {
          const sub = unwrap(await res.json())
          if (sub) setPhase({ kind: 'tracking', sub })
        }
      } catch {
        /* transient: try again on the next tick */
      }
    }
    const id = setInterval(poll, 1000)
    void poll()
    return () => {
      stopped = true
      clearInterval(id)
    }
  }, [trackingId, trackingDone])

  function pick(files: FileList | null) {
    if (files && files.length > 0) {
      setFile(files[0])
      if (phase.kind !== 'uploading') setPhase({ kind: 'idle' })
    }
  }

  function onDrop(e: DragEvent<HTMLDivElement>) {
    e.preventDefault()
    setOver(false)
    pick(e.dataTransfer.files)
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    if (!file || busy) return
    const form = new FormData()
    const fields = new FormData(e.currentTarget)
    form.set('kind', String(fields.get('kind') ?? ''))
    form.set('description', String(fields.get('description') ?? ''))
    // The manifest goes before the file: the server checks the model against it as soon as the
    // model's bytes have arrived.
    const manifest = String(fields.get('manifest') ?? '').trim()
    if (manifest !== '') form.set('manifest', manifest)
    form.set('file', file, file.name)
    const xhr = new XMLHttpRequest()
    xhr.open('POST', apiAction)
    xhr.setRequestHeader('accept', 'application/json')
    xhr.upload.onprogress = (ev) => setPhase({ kind: 'uploading', loaded: ev.loaded, total: ev.lengthComputable ? ev.total : file.size })
    xhr.onerror = () => {
      setPhase({ kind: 'error', message: 'The upload was interrupted (network error). Please try again.' })
      void refreshQuota()
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        let body: unknown = null
        try {
          body = JSON.parse(xhr.responseText)
        } catch {
          /* handled below */
        }
        const sub = unwrap(body)
        const quota = (body as { quota?: { remaining?: number } } | null)?.quota
        if (typeof quota?.remaining === 'number') setLeft(quota.remaining)
        else setLeft((n) => Math.max(0, n - 1))
        if (sub) setPhase({ kind: 'tracking', sub: { ...sub, status: sub.status ?? 'queued', progress: sub.progress ?? 0 } })
        else setPhase({ kind: 'error', message: 'Uploaded, but the server’s answer was not understood; see My submissions.' })
      } else {
        setPhase({ kind: 'error', message: errorMessage(xhr.responseText, xhr.status) })
        void refreshQuota()
      }
    }
    setPhase({ kind: 'uploading', loaded: 0, total: file.size })
    xhr.send(form)
  }

  return (
    <form method="post" action={fallbackAction} encType="multipart/form-data" onSubmit={onSubmit} aria-describedby="quota-line">
      <input type="hidden" name="slug" value={slug} />
      <p id="quota-line">
        <strong>{left}</strong> of {limit} submissions left today (resets 00:00 UTC).
      </p>
      <label htmlFor="kind">Format</label>
      <select id="kind" name="kind" defaultValue="detect">
        <option value="detect">Detect (from the CSV header, or .onnx for a model)</option>
        <option value="csv">Embedding CSV (imgId_eId,val)</option>
        <option value="prompts">Prompt text CSV (imgId,prompt)</option>
        <option value="model">ONNX model</option>
      </select>
      <label htmlFor="description">Description</label>
      <input id="description" name="description" maxLength={1000} placeholder="What changed in this submission?" />
      <details>
        <summary>ONNX model? Add its manifest</summary>
        <label htmlFor="manifest">Model manifest (JSON)</label>
        <textarea
          id="manifest"
          name="manifest"
          rows={6}
          aria-describedby="manifest-help"
          placeholder='{"inputName":"pixel_values","outputName":"embedding","imageSize":224,"resize":"center-crop","mean":[0.481,0.458,0.408],"std":[0.269,0.261,0.276]}'
        />
        <p id="manifest-help" className="muted">
          Input and output names, image size, resize mode (center-crop, resize or pad), mean and std per channel; the output must be [N, 384]. The graph is checked before it is queued,
          then it runs on the hidden images.
        </p>
      </details>
      <label htmlFor="file">File</label>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p style={{ margin: 0 }}>{file ? <strong>{file.name}</strong> : 'Drop your file here, or choose it:'}</p>
        {file && <p className="muted" style={{ margin: 0 }}>{(file.size / 1024 / 1024).toFixed(2)} MB</p>}
        <input id="file" ref={inputRef} type="file" name="file" accept={ACCEPTED_FILES} required={!file} onChange={(e) => pick(e.target.files)} />
      </div>
      <div className="actions">
        <button type="submit" disabled={busy || left <= 0}>
          {phase.kind === 'uploading' ? 'Uploading…' : 'Submit'}
        </button>
        {left <= 0 && <span className="muted">Daily limit reached.</span>}
      </div>
      <div className="upload-status" aria-live="polite">
        {phase.kind === 'uploading' && (
          <div>
            <label htmlFor="upload-progress">Uploading {file?.name}</label>
            <div className="progress-row">
              <progress id="upload-progress" max={phase.total || 1} value={phase.loaded} />
              <span className="pct">{pct(phase.total ? phase.loaded / phase.total : 0)}</span>
            </div>
          </div>
        )}
        {phase.kind === 'tracking' && <Tracking sub={phase.sub} />}
        {phase.kind === 'error' && (
          <p className="error" role="alert">
            {phase.message}
          </p>
        )}
      </div>
    </form>
  )
}

function Tracking({ sub }: { sub: Polled }) {
  const detail = `/submissions/${sub.id}`
  if (sub.status === 'scored') {
    return (
      <div className="card" data-testid="scored">
        <div className="muted">Public score</div>
        <div className="score-big">{sub.publicScore === null ? '—' : sub.publicScore.toFixed(5)}</div>
        <a href={detail}>Details and per-image histogram →</a>
      </div>
    )
  }
  if (sub.status === 'failed') {
    return (
      <div className="card" role="alert">
        <strong className="error">Scoring failed:</strong>
        <pre className="log">{errorWithLine(sub.error, sub.errorLine)}</pre>
      </div>
    )
  }
  return (
    <div>
      <label htmlFor="score-progress">{sub.status === 'queued' ? 'Uploaded — waiting for a worker…' : 'Scoring…'}</label>
      <div className="progress-row">
        <progress id="score-progress" max={1} value={sub.progress} />
        <span className="pct">{pct(sub.progress)}</span>
      </div>
    </div>
  )
}
