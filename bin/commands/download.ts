// `arena download`: a competition's files, as `kaggle competitions download`: everything as one
// zip, or one file by name, into a folder; `--list` shows what there is.
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { UsageError, type Command } from '../command.ts'
import { ApiFailure, client, flags, required, table, withApi, type ApiClient } from './client.ts'
import { progressBar } from './progress.ts'

/** The sample submission has its own route (it belongs to the active test set, not the data set). */
export const SAMPLE_SUBMISSION = 'sample_submission.csv'
/** The reference baseline as a model to submit or improve: its own route too. */
export const STARTER_KIT = 'starter-kit.zip'

interface DataFile {
  name: string
  size?: number
  description?: string
}

/** A server-sent or user-typed file name reduced to a base name: never a path outside `dir`. */
export function localName(name: string, fallback: string): string {
  const base = Array.from(path.basename(name.replace(/\\/g, '/'))).filter((c) => c.charCodeAt(0) >= 0x20).join('')
  return base === '' || base === '.' || base === '..' ? fallback : base
}

/** filename="…" of a Content-Disposition header. */
function dispositionName(header: string | null): string | undefined {
  const m = header ? /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header) : null
  return m ? decodeURIComponent(m[1]) : undefined
}

/** Streams the answer to `dir/name` through a `.part` file, renamed when complete. */
async function save(res: Response, dir: string, name: string, quiet: boolean): Promise<string> {
  mkdirSync(dir, { recursive: true })
  const target = path.join(dir, name)
  const part = `${target}.part`
  const total = Number(res.headers.get('content-length') ?? 0)
  const bar = quiet ? null : progressBar(`Downloading ${name}`, Number.isFinite(total) ? total : 0)
  let got = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      got += chunk.length
      bar?.update(got)
      done(null, chunk)
    },
  })
  if (!res.body) throw new UsageError(`the server sent no content for ${name}`)
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), counter, createWriteStream(part))
  } catch (err) {
    rmSync(part, { force: true })
    throw err
  } finally {
    bar?.end()
  }
  renameSync(part, target)
  return target
}

/** 404 because the competition itself does not exist (lib/competitions: "No competition 'x'"). */
function isUnknownCompetition(err: ApiFailure): boolean {
  return err.message.startsWith('No competition')
}

interface Listing {
  files: DataFile[]
  starterKit: { size: number } | null
}

async function listFiles(api: ApiClient, slug: string): Promise<Listing> {
  try {
    const body = await api.json<{ files?: DataFile[]; starterKit?: { size: number } | null }>(`/api/competitions/${encodeURIComponent(slug)}/data`)
    return { files: body.files ?? [], starterKit: body.starterKit ?? null }
  } catch (err) {
    // A server without a training data set (or without the route) still has the sample submission.
    if (err instanceof ApiFailure && err.status === 404 && !isUnknownCompetition(err)) return { files: [], starterKit: null }
    throw err
  }
}

export const downloadCommand: Command = {
  path: ['download'],
  summary: "Download a competition's data, sample submission and starter model",
  help: `Usage: arena download -c SLUG [-p DIR] [-f FILE] [--list] [--force] [--quiet]

Without -f, downloads everything the competition offers: the training data as one zip, SLUG.zip
(or only ${SAMPLE_SUBMISSION} where there is no training data), and the starter model (the
reference baseline: ONNX model, manifest, README) as SLUG-${STARTER_KIT} once the baseline has
run. With -f, only that file (names as --list prints them; ${SAMPLE_SUBMISSION} is always there).
Files already present are kept unless --force.

Options:
  -c, --competition SLUG   competition slug
  -p, --path DIR           folder to save into (default: the current folder)
  -f, --file FILE          one file only
  -l, --list               list the files instead of downloading
  -o, --force              overwrite files that exist
  -q, --quiet              no progress output`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, {
        competition: { type: 'string', short: 'c' },
        path: { type: 'string', short: 'p' },
        file: { type: 'string', short: 'f' },
        list: { type: 'boolean', short: 'l' },
        force: { type: 'boolean', short: 'o' },
        quiet: { type: 'boolean', short: 'q' },
      })
      const slug = required(values.competition, '-c/--competition')
      const dir = path.resolve(values.path ?? '.')
      const api = client()
      const base = `/api/competitions/${encodeURIComponent(slug)}`
      const listing = await listFiles(api, slug)
      if (values.list) {
        const rows = [...listing.files.map((f) => [f.name, f.size === undefined ? '' : String(f.size), f.description ?? '']), [SAMPLE_SUBMISSION, '', 'a valid submission of constant vectors: the format to follow']]
        if (listing.starterKit) rows.push([STARTER_KIT, String(listing.starterKit.size), 'the reference baseline: ONNX model, manifest and README to submit or improve'])
        console.log(table(['NAME', 'BYTES', 'DESCRIPTION'], rows))
        return 0
      }
      const wanted = values.file === undefined ? undefined : localName(required(values.file, '-f/--file'), 'file')
      const name = wanted ?? `${localName(slug, 'competition')}.zip`
      if (!values.force && existsSync(path.join(dir, name))) {
        console.log(`${path.join(dir, name)} exists; skipped (--force to download again)`)
        return 0
      }
      const saveStarterKit = async (): Promise<void> => {
        if (!listing.starterKit) return
        const kitName = `${localName(slug, 'competition')}-${STARTER_KIT}`
        if (!values.force && existsSync(path.join(dir, kitName))) return console.log(`${path.join(dir, kitName)} exists; skipped (--force to download again)`)
        console.log(await save(await api.request(`${base}/starter-kit`), dir, kitName, values.quiet === true))
      }
      let res: Response
      if (wanted === SAMPLE_SUBMISSION) res = await api.request(`${base}/sample-submission`)
      else if (wanted === STARTER_KIT) res = await api.request(`${base}/starter-kit`)
      else if (wanted !== undefined) res = await api.request(`${base}/data/files/${encodeURIComponent(wanted)}`)
      else {
        try {
          res = await api.request(`${base}/data/download`)
        } catch (err) {
          if (!(err instanceof ApiFailure && err.status === 404 && !isUnknownCompetition(err))) throw err
          // No training data published: the sample submission is all there is.
          console.error(`${slug} offers no data archive; downloading ${SAMPLE_SUBMISSION} only`)
          res = await api.request(`${base}/sample-submission`)
          console.log(await save(res, dir, SAMPLE_SUBMISSION, values.quiet === true))
          await saveStarterKit()
          return 0
        }
      }
      const served = wanted ?? localName(dispositionName(res.headers.get('content-disposition')) ?? name, name)
      console.log(await save(res, dir, served, values.quiet === true))
      if (wanted === undefined) await saveStarterKit()
      return 0
    }),
}
