/**
 * `arena embed PROMPTS.csv -o TRUTH.csv`: the ground truth of a prompt test set, i.e. each prompt's
 * all-MiniLM-L6-v2 embedding in the competition's long format (`imgId_eId,val`, 384 rows per image,
 * images in input order).
 */
import { open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { intOption, parseOptions } from '../args.ts'
import { UsageError, type Command } from '../command.ts'
import { longRows } from '../../scoring/embed/format.ts'
import { loadMiniLmEmbedder } from '../../scoring/embed/index.ts'
import { modelDirOptions } from '../../lib/platform/embedder-dir.ts'
import { ModelDirError } from '../../scoring/embed/model-dir.ts'
import { isTestSetInputError, parsePromptsCsv, type PromptRecord } from '../../lib/testsets/input.ts'

interface EmbedArgs {
  input: string
  output: string
  batchSize?: number
}

function parseEmbedArgs(args: string[]): EmbedArgs {
  const { values, positionals } = parseOptions(args, { output: { type: 'string', short: 'o' }, 'batch-size': { type: 'string' } }, true)
  if (positionals.length === 0) throw new UsageError('missing PROMPTS.csv (see --help)')
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`)
  if (!values.output) throw new UsageError('missing -o TRUTH.csv')
  const batchSize = values['batch-size'] === undefined ? undefined : intOption(values['batch-size'], '--batch-size', 32, { min: 1, max: 4096 })
  return { input: positionals[0], output: values.output, batchSize }
}

/**
 * The prompts of an `imgId,prompt` CSV, read by the test sets' reader (lib/testsets/input.ts), so
 * `arena embed` accepts exactly the files a test-set import accepts; its problems, each with its
 * line, become a usage error.
 */
export function readPromptRows(text: string, name: string): PromptRecord[] {
  try {
    return parsePromptsCsv(text, name)
  } catch (err) {
    if (isTestSetInputError(err)) throw new UsageError(err.message)
    throw err
  }
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
    const opts = parseEmbedArgs(args)
    let text: string
    try {
      text = await readFile(opts.input, 'utf8')
    } catch (err) {
      throw new UsageError(`cannot read ${opts.input}: ${err instanceof Error ? err.message : String(err)}`)
    }
    const rows = readPromptRows(text, opts.input)
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
        chunk += longRows(rows[i].id, vectors, i, embedder.dim)
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
