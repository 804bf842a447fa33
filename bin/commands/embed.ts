/**
 * `arena embed PROMPTS.csv -o TRUTH.csv`: the ground truth of a prompt test set, i.e. each prompt's
 * all-MiniLM-L6-v2 embedding in the competition's long format (`imgId_eId,val`, 384 rows per image,
 * images in input order).
 */
import { open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import Papa from 'papaparse'
import { UsageError, type Command } from '../command.ts'
import { longRows } from '../../scoring/embed/format.ts'
import { loadMiniLmEmbedder } from '../../scoring/embed/index.ts'
import { modelDirOptions } from '../../lib/platform/embedder-dir.ts'
import { ModelDirError } from '../../scoring/embed/model-dir.ts'

interface EmbedArgs {
  input: string
  output: string
  batchSize?: number
}

function parseArgs(args: string[]): EmbedArgs {
  let input: string | undefined
  let output: string | undefined
  let batchSize: number | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const value = (): string => {
      const v = args[++i]
      if (v === undefined) throw new UsageError(`${a} needs a value`)
      return v
    }
    if (a === '-o' || a === '--output') output = value()
    else if (a === '--batch-size') {
      const v = value()
      batchSize = Number(v)
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 4096) {
        throw new UsageError(`--batch-size must be an integer from 1 to 4096, not '${v}'`)
      }
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}' (see --help)`)
    else if (input === undefined) input = a
    else throw new UsageError(`unexpected argument '${a}'`)
  }
  if (!input) throw new UsageError('missing PROMPTS.csv (see --help)')
  if (!output) throw new UsageError('missing -o TRUTH.csv')
  return { input, output, batchSize }
}

export interface PromptRow {
  imgId: string
  prompt: string
  line: number
}

/** Parses an `imgId,prompt` CSV (RFC 4180, quoted multi-line prompts); throws UsageError with line numbers. */
export function parsePromptsCsv(text: string, name: string): PromptRow[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const lineStarts = [0]
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) === 10) lineStarts.push(i + 1)
  const lineAt = (index: number): number => {
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (lineStarts[mid] <= index) lo = mid
      else hi = mid - 1
    }
    return lo + 1
  }
  const rows: { fields: string[]; line: number }[] = []
  const problems: string[] = []
  let start = 0
  Papa.parse<string[]>(body, {
    header: false,
    delimiter: ',',
    skipEmptyLines: false,
    step: (result) => {
      // The row starts after any blank lines since the previous row's end.
      let s = start
      while (body[s] === '\n' || body[s] === '\r') s++
      const line = lineAt(s)
      for (const err of result.errors) problems.push(`line ${line}: ${err.message}`)
      start = result.meta.cursor
      const fields = result.data
      if (fields.length === 1 && fields[0] === '') return // blank line
      rows.push({ fields, line })
    },
  })
  if (rows.length === 0) throw new UsageError(`${name}: empty file (expected a header 'imgId,prompt')`)
  const header = rows[0].fields.map((h) => h.trim())
  const idCol = header.indexOf('imgId')
  const promptCol = header.indexOf('prompt')
  if (idCol < 0 || promptCol < 0) {
    throw new UsageError(`${name}: line 1: header must have columns imgId and prompt, found '${header.join(',')}'`)
  }
  const out: PromptRow[] = []
  const seen = new Map<string, number>()
  for (const { fields, line } of rows.slice(1)) {
    if (fields.length !== header.length) {
      problems.push(`line ${line}: expected ${header.length} fields, found ${fields.length}`)
      continue
    }
    const imgId = fields[idCol].trim()
    if (!imgId) problems.push(`line ${line}: empty imgId`)
    else if (/[\s,"]/.test(imgId)) problems.push(`line ${line}: imgId '${imgId}' contains whitespace, a comma or a quote`)
    else if (seen.has(imgId)) problems.push(`line ${line}: duplicate imgId '${imgId}' (first on line ${seen.get(imgId)})`)
    else seen.set(imgId, line)
    out.push({ imgId, prompt: fields[promptCol], line })
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20)
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : ''
    throw new UsageError(`${name}: bad input:\n  ${shown.join('\n  ')}${more}`)
  }
  if (out.length === 0) throw new UsageError(`${name}: no prompts after the header`)
  return out
}

export const embedCommand: Command = {
  path: ['embed'],
  summary: 'Embed imgId,prompt CSV with all-MiniLM-L6-v2 into the long imgId_eId,val truth format',
  help: `Usage: arena embed PROMPTS.csv -o TRUTH.csv [--batch-size N]

Reads a CSV with columns imgId,prompt (quoted multi-line prompts allowed) and writes the
competition's long format: header imgId_eId,val, then 384 rows per image in input order,
values as float32 in shortest round-trip form (like the host's sample_submission.csv).
The vectors are Python sentence-transformers all-MiniLM-L6-v2 embeddings, computed in
TypeScript with ONNX Runtime. The model is looked up in $ARENA_MODELS_DIR, <repo>/models,
<repo>/../shared/models; build it with \`npm run models:prepare\`.

Options:
  -o, --output FILE   where to write the truth CSV (required)
  --batch-size N      sequences per ONNX run (default 32)

Exit codes: 0 ok, 2 bad input or missing model, 1 internal error.`,
  async run(args) {
    const opts = parseArgs(args)
    let text: string
    try {
      text = await readFile(opts.input, 'utf8')
    } catch (err) {
      throw new UsageError(`cannot read ${opts.input}: ${err instanceof Error ? err.message : String(err)}`)
    }
    const rows = parsePromptsCsv(text, opts.input)
    let embedder
    try {
      embedder = await loadMiniLmEmbedder({ ...modelDirOptions(), batchSize: opts.batchSize })
    } catch (err) {
      if (err instanceof ModelDirError) throw new UsageError(err.message)
      throw err
    }
    const t0 = Date.now()
    const showProgress = rows.length >= 200
    let lastReport = 0
    let vectors: Float32Array
    try {
      vectors = await embedder.embed(
        rows.map((r) => r.prompt),
        (done, total) => {
          const now = Date.now()
          if (!showProgress || (now - lastReport < 1000 && done < total)) return
          lastReport = now
          const rate = done / Math.max((now - t0) / 1000, 1e-3)
          process.stderr.write(`[embed] ${done}/${total} prompts (${rate.toFixed(0)}/s)\n`)
        },
      )
    } finally {
      await embedder.close()
    }
    const tmp = path.join(path.dirname(path.resolve(opts.output)), `.${path.basename(opts.output)}.tmp-${process.pid}`)
    const fh = await open(tmp, 'w')
    try {
      let chunk = 'imgId_eId,val\n'
      for (let i = 0; i < rows.length; i++) {
        chunk += longRows(rows[i].imgId, vectors, i, embedder.dim)
        if (chunk.length > 1 << 20) {
          await fh.write(chunk)
          chunk = ''
        }
      }
      await fh.write(chunk)
      await fh.close()
      await rename(tmp, opts.output)
    } catch (err) {
      await fh.close().catch(() => undefined)
      await rm(tmp, { force: true })
      throw err
    }
    process.stderr.write(
      `[embed] wrote ${rows.length} x ${embedder.dim} values to ${opts.output} in ${((Date.now() - t0) / 1000).toFixed(1)} s (provider ${embedder.provider})\n`,
    )
    return 0
  },
}
