import { randomBytes } from 'node:crypto'
import { createReadStream, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { UsageError, type Command } from '../command.ts'
import { client, flags, formatScore, formatTime, required, withApi, type ApiClient } from './client.ts'
import { progressBar } from './progress.ts'

interface SubmissionBody {
  id: string
  status: 'queued' | 'running' | 'scored' | 'failed'
  progress: number
  error: string | null
  publicScore: number | null
  privateScore: number | null
  late: boolean
}

/**
 * A model upload as a streamed multipart form: the manifest and description first (small text
 * fields), then the model file, which is never held in memory.
 */
async function* modelForm(boundary: string, manifest: string, description: string, fileName: string, model: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const enc = new TextEncoder()
  const field = (name: string, value: string) => enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  yield field('manifest', manifest)
  yield field('description', description)
  yield enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="model"; filename="${fileName.replace(/"/g, '')}"\r\nContent-Type: application/octet-stream\r\n\r\n`)
  yield* model
  yield enc.encode(`\r\n--${boundary}--\r\n`)
}

async function upload(api: ApiClient, slug: string, file: string, description: string, kind: string | undefined, manifest: string | undefined): Promise<SubmissionBody> {
  const size = statSync(file).size
  const bar = progressBar('Uploading', size)
  let sent = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length
      bar.update(sent)
      done(null, chunk)
    },
  })
  const stream = createReadStream(file).pipe(counter)
  const query = new URLSearchParams({ filename: path.basename(file), description, ...(kind ? { kind } : {}) })
  const boundary = `----arena${randomBytes(12).toString('hex')}`
  const request =
    manifest === undefined
      ? { url: `/api/competitions/${encodeURIComponent(slug)}/submissions?${query}`, type: 'application/octet-stream', body: stream }
      : {
          url: `/api/competitions/${encodeURIComponent(slug)}/model-submissions`,
          type: `multipart/form-data; boundary=${boundary}`,
          body: Readable.from(modelForm(boundary, manifest, description, path.basename(file), stream)),
        }
  try {
    const body = await api.json<{ submission: SubmissionBody; quota: { remaining: number; resetAt: string } }>(request.url, {
      method: 'POST',
      headers: { 'content-type': request.type },
      body: Readable.toWeb(request.body) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit)
    bar.end()
    console.error(`Submitted ${body.submission.id} (${body.quota.remaining} submission(s) left today; reset at ${formatTime(body.quota.resetAt)})`)
    return body.submission
  } catch (err) {
    bar.end()
    throw err
  }
}

/**
 * Asks the server, before any byte of the file is sent, whether the caller may submit: the list
 * answers 403 `not_joined` for a non-member (the client turns it into "run arena join") and
 * carries today's quota. The server checks both again when the upload arrives.
 */
async function checkCanSubmit(api: ApiClient, slug: string): Promise<void> {
  const { quota } = await api.json<{ quota: { remaining: number; limit: number; resetAt: string } }>(`/api/competitions/${encodeURIComponent(slug)}/submissions`)
  if (quota.remaining <= 0) {
    throw new UsageError(`your team has used all ${quota.limit} submissions of today; the next one is possible after ${formatTime(quota.resetAt)}`)
  }
}

/** Polls until the submission is scored or failed, printing each change of status on stderr. */
export async function waitForScore(api: ApiClient, id: string, intervalMs: number): Promise<SubmissionBody> {
  let last = ''
  for (;;) {
    const { submission } = await api.json<{ submission: SubmissionBody }>(`/api/submissions/${encodeURIComponent(id)}`)
    const line = submission.status === 'running' ? `running ${Math.round(submission.progress * 100)}%` : submission.status
    if (line !== last) {
      console.error(`Status: ${line}`)
      last = line
    }
    if (submission.status === 'scored' || submission.status === 'failed') return submission
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

export const submitCommand: Command = {
  path: ['submit'],
  summary: 'Upload a submission file (and optionally wait for its score)',
  help: `Usage: arena submit -c SLUG -f FILE [-m MESSAGE] [--kind detect|csv|prompts] [--manifest FILE] [--wait]

Streams FILE (.csv, .csv.gz, .zip, prompt CSV, or an .onnx model with --manifest FILE) to the
competition, showing upload progress on stderr. Before sending anything it checks that you have
joined (arena join -c SLUG) and that your team has a submission left today. With --wait, follows
the scoring until it ends: prints the public score and exits 0, or prints the error and exits 2.

Options:
  -c, --competition SLUG   competition slug (see arena competitions list)
  -f, --file FILE          the file to submit
  -m, --message TEXT       description shown in your submissions list
  --kind KIND              detect (default: the server reads the CSV header: imgId,prompt is a
                           prompt-text CSV, imgId_eId,val an embedding CSV), csv or prompts
  --manifest FILE          model manifest (JSON: inputName, outputName, imageSize, resize,
                           mean, std, …) for an ONNX model FILE; the platform checks the graph
                           before queuing it and runs it on the hidden images
  --wait                   wait for the score
  --interval MS            polling interval with --wait (default 1000)`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, {
        competition: { type: 'string', short: 'c' },
        file: { type: 'string', short: 'f' },
        message: { type: 'string', short: 'm' },
        kind: { type: 'string' },
        manifest: { type: 'string' },
        wait: { type: 'boolean' },
        interval: { type: 'string' },
      })
      const slug = required(values.competition, '-c/--competition')
      const file = required(values.file, '-f/--file')
      try {
        if (!statSync(file).isFile()) throw new Error()
      } catch {
        throw new UsageError(`no such file: ${file}`)
      }
      let manifest: string | undefined
      if (values.manifest !== undefined) {
        try {
          manifest = readFileSync(values.manifest, 'utf8')
        } catch {
          throw new UsageError(`cannot read the manifest ${values.manifest}`)
        }
      } else if (file.toLowerCase().endsWith('.onnx')) {
        throw new UsageError('an ONNX model needs its manifest: --manifest manifest.json')
      }
      const interval = values.interval === undefined ? 1000 : Number(values.interval)
      if (!(interval > 0)) throw new UsageError('--interval needs a positive number of milliseconds')
      const api = client()
      await checkCanSubmit(api, slug)
      const created = await upload(api, slug, file, values.message ?? '', values.kind, manifest)
      if (!values.wait) {
        console.log(created.id)
        return 0
      }
      const done = await waitForScore(api, created.id, interval)
      if (done.status === 'failed') {
        console.error(`Submission ${done.id} failed: ${done.error ?? 'unknown error'}`)
        return 2
      }
      console.log(`${done.id} scored: public ${formatScore(done.publicScore)}${done.privateScore !== null ? `, private ${formatScore(done.privateScore)}` : ''}${done.late ? ' (late: not on the leaderboard)' : ''}`)
      return 0
    }),
}
