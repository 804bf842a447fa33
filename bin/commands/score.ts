import { readFile, stat } from 'node:fs/promises'
import { parseOptions } from '../args.ts'
import { UsageError, type Command } from '../command.ts'
import {
  buildTruth,
  detectSourceFormat,
  formatScoringError,
  readPromptCsv,
  readTruthCsv,
  scorePromptSubmission,
  scoreSubmission,
  withPublicIds,
  type Embedder,
  type ScoreResult,
  type Truth,
} from '../../scoring/index.ts'

const help = `Usage: arena score --truth TRUTH SUBMISSION [--public-ids FILE] [--json] [--prompts]

Scores a submission against a truth file, the same way the platform does.

  TRUTH         long-format CSV (imgId_eId,val) or prompts CSV (imgId,prompt; embedded first
                with the MiniLM model). Plain, .gz or .zip; the format is read from the header.
  SUBMISSION    long-format CSV (imgId_eId,val) or prompt-text CSV (imgId,prompt), plain,
                gzip or zip holding one CSV; format detected from the header.

Options:
  --truth FILE        the answer key (required)
  --public-ids FILE   one image id per line: the public leaderboard images (default: all)
  --prompts           treat SUBMISSION as prompt text even if the header is unusual
  --json              print {"score","public","private","images","rows"} as JSON
  -h, --help          this text

Exit codes: 0 scored, 2 invalid submission or usage (message on stderr), 1 internal fault.

Examples:
  arena score --truth truth.csv submission.csv
  arena score --truth prompts.csv --public-ids public.txt --json submission.csv.gz`

interface Args {
  truth: string
  submission: string
  publicIds?: string
  json: boolean
  prompts: boolean
}

function parseScoreArgs(argv: string[]): Args {
  const { values, positionals } = parseOptions(argv, { truth: { type: 'string' }, 'public-ids': { type: 'string' }, json: { type: 'boolean' }, prompts: { type: 'boolean' } }, true)
  if (!values.truth) throw new UsageError('--truth FILE is required')
  if (positionals.length !== 1) throw new UsageError('expected exactly one SUBMISSION file')
  return { truth: values.truth, submission: positionals[0], publicIds: values['public-ids'], json: values.json === true, prompts: values.prompts === true }
}

async function mustExist(path: string, what: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw new UsageError(`${what} '${path}' is not a file`)
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw new UsageError(`${what} '${path}' cannot be read`)
  }
}

/** The MiniLM embedder is heavy (onnxruntime), so it is only loaded when prompts are involved. */
async function loadEmbedder(): Promise<Embedder> {
  const { loadMiniLmEmbedder } = await import('../../scoring/embed/index.ts')
  const { modelDirOptions } = await import('../../lib/platform/embedder-dir.ts')
  return loadMiniLmEmbedder(modelDirOptions())
}

export const scoreCommand: Command = {
  path: ['score'],
  summary: 'Score a submission against a truth file',
  help,
  async run(argv) {
    const args = parseScoreArgs(argv)
    await mustExist(args.truth, 'truth file')
    await mustExist(args.submission, 'submission')
    const publicIds = args.publicIds ? await readPublicIds(args.publicIds) : undefined

    let embedder: Embedder | undefined
    const getEmbedder = async () => (embedder ??= await loadEmbedder())
    try {
      let truth: Truth
      const truthKind = await detectSourceFormat(args.truth)
      if (!truthKind.ok) throw new UsageError(`truth file: ${formatScoringError(truthKind.error)}`)
      if (truthKind.format === 'prompts') {
        const table = await readPromptCsv(args.truth)
        if (!table.ok) throw new UsageError(`truth file: ${formatScoringError(table.error)}`)
        const e = await getEmbedder()
        truth = buildTruth(table.ids, await e.embed(table.prompts), e.dim)
      } else {
        const read = await readTruthCsv(args.truth)
        if (!read.ok) throw new UsageError(`truth file: ${formatScoringError(read.error)}`)
        truth = read.truth
      }
      try {
        truth = withPublicIds(truth, publicIds)
      } catch (err) {
        throw new UsageError(`--public-ids: ${(err as Error).message}`)
      }

      const subKind = args.prompts ? { ok: true as const, format: 'prompts' as const } : await detectSourceFormat(args.submission)
      if (!subKind.ok) {
        console.error(formatScoringError(subKind.error))
        return 2
      }
      const result: ScoreResult =
        subKind.format === 'prompts'
          ? await scorePromptSubmission(args.submission, truth, await getEmbedder())
          : await scoreSubmission(args.submission, truth)
      if (!result.ok) {
        console.error(formatScoringError(result.error))
        return 2
      }
      const summary = { score: result.score, public: result.public, private: result.private, images: result.images, rows: result.rows }
      if (args.json) console.log(JSON.stringify(summary))
      else {
        const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(6))
        console.log(
          [
            `score    ${fmt(summary.score)}`,
            `public   ${fmt(summary.public)}`,
            `private  ${fmt(summary.private)}`,
            `images   ${summary.images}`,
            `rows     ${summary.rows}`,
          ].join('\n'),
        )
      }
      return 0
    } finally {
      await embedder?.close()
    }
  },
}

async function readPublicIds(path: string): Promise<string[]> {
  await mustExist(path, '--public-ids file')
  const text = await readFile(path, 'utf8')
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
}
