// What the organizer's two image-set uploads share (test sets and training data): both files
// checked, the form rebuilt in the order the server streams it (text fields, then the small
// prompts CSV, then the images zip), posted with upload progress, the JSON answer parsed.

export interface ImageSetUploadHandlers {
  onProgress: (loaded: number, total: number) => void
  /** All bytes sent: the server now checks or stores them. */
  onSent?: () => void
  /** A 2xx answer, its JSON body (null when not JSON). */
  onDone: (body: unknown) => void
  onError: (message: string) => void
}

/**
 * Posts the `images` and `prompts` files of `data` and the non-empty `fields` to `url`. Returns
 * false (after `onError`) when a file is missing.
 */
export function postImageSet(url: string, data: FormData, fields: readonly string[], handlers: ImageSetUploadHandlers): boolean {
  const prompts = data.get('prompts')
  const images = data.get('images')
  if (!(prompts instanceof File) || !(images instanceof File) || prompts.size === 0 || images.size === 0) {
    handlers.onError('Choose both files: the images (.zip) and the prompts CSV.')
    return false
  }
  const body = new FormData()
  for (const name of fields) {
    const v = data.get(name)
    if (typeof v === 'string' && v !== '') body.set(name, v)
  }
  body.set('prompts', prompts, prompts.name)
  body.set('images', images, images.name)
  const total = prompts.size + images.size
  const xhr = new XMLHttpRequest()
  xhr.open('POST', url)
  xhr.setRequestHeader('accept', 'application/json')
  xhr.upload.onprogress = (ev) => handlers.onProgress(ev.loaded, ev.lengthComputable ? ev.total : total)
  if (handlers.onSent) xhr.upload.onload = handlers.onSent
  xhr.onerror = () => handlers.onError('The upload was interrupted (network error).')
  xhr.onload = () => {
    let parsed: unknown = null
    try {
      parsed = JSON.parse(xhr.responseText)
    } catch {
      /* not JSON */
    }
    if (xhr.status >= 200 && xhr.status < 300) handlers.onDone(parsed)
    else handlers.onError((parsed as { error?: { message?: string } } | null)?.error?.message ?? `Upload failed (HTTP ${xhr.status})`)
  }
  handlers.onProgress(0, total)
  xhr.send(body)
  return true
}
