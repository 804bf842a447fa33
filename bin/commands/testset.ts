/**
 * `arena testset import|list|activate`: organizers manage a competition's hidden test-set
 * versions directly on the platform's database and storage (no server needed). Imports run in
 * this process with progress on stderr; the rescoring an activation starts is queued for the
 * workers (`arena serve` or `arena worker`).
 */
import { parseArgs } from 'node:util'
import { UsageError, type Command } from '../command.ts'
import { config } from '../../lib/platform/config.ts'
import { closeDb } from '../../lib/platform/db.ts'
import { isApiError } from '../../lib/errors.ts'
import { applyMigrations } from '../../lib/platform/migrate.ts'
import { closeQueue } from '../../lib/queue/index.ts'
import { activateTestSetByNumber } from '../../lib/testsets/activation.ts'
import { importTestSet } from '../../lib/testsets/import.ts'
import { isTestSetInputError } from '../../lib/testsets/input.ts'
import { listTestSets } from '../../lib/testsets/reads.ts'
import { describeWidth, widthForecast } from '../../lib/testsets/width.ts'
import { ModelDirError } from '../../scoring/embed/model-dir.ts'

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options']

function parse<O extends Options>(args: string[], options: O): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)} (see --help)`)
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${flag} (see --help)`)
  return value
}

function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, not '${value}'`)
  return n
}

/** Opens the database (migrating it), runs `fn`, closes everything; user-facing errors exit 2. */
async function withPlatform(fn: () => Promise<number>): Promise<number> {
  try {
    await applyMigrations({ url: config().databaseUrl, log: (line) => console.error(line) })
    return await fn()
  } catch (err) {
    if (isTestSetInputError(err) || isApiError(err) || err instanceof ModelDirError) throw new UsageError(err.message)
    throw err
  } finally {
    await closeQueue()
    await closeDb()
  }
}

function progressPrinter(): (fraction: number, message: string) => void {
  let last = ''
  return (fraction, message) => {
    const line = `${(fraction * 100).toFixed(0).padStart(3)}%  ${message}`
    if (line === last) return
    last = line
    process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`)
  }
}

export const testsetImportCommand: Command = {
  path: ['testset', 'import'],
  summary: 'Import a hidden test set (images + prompts) as a new version of a competition',
  help: `Usage: arena testset import --competition SLUG --images DIR_OR_ZIP --prompts prompts.csv
                           [--public-fraction 0.3] [--seed N] [--note TEXT] [--activate]

Validates the files (every image has exactly one prompt and vice versa; ids are file names
without extension, letters, digits, '_' and '-'; images .png/.jpg/.jpeg/.webp that decode; a CSV
with header imgId,prompt, quoted multi-line prompts allowed), embeds the prompts with
all-MiniLM-L6-v2, splits the images into public/private with a seeded shuffle, and stores the
new version with its truth file and sample_submission.csv. The first version of a draft
competition becomes active at once; any other only with --activate (or \`arena testset activate\`).

Options:
  --competition SLUG        the competition
  --images DIR_OR_ZIP       a folder of images or a .zip of them
  --prompts FILE            the imgId,prompt CSV
  --public-fraction F       share of images on the public leaderboard (default: the competition's)
  --seed N                  seed of the public/private split (default: random, recorded)
  --note TEXT               a note shown to organizers
  --activate                make this version active once ready (rescoring every submission)

Exit codes: 0 ok, 2 bad input (the message names the file, line or id), 1 internal error.`,
  run: (args) =>
    withPlatform(async () => {
      const v = parse(args, {
        competition: { type: 'string' },
        images: { type: 'string' },
        prompts: { type: 'string' },
        'public-fraction': { type: 'string' },
        seed: { type: 'string' },
        note: { type: 'string' },
        activate: { type: 'boolean' },
      })
      const fraction = v['public-fraction'] === undefined ? undefined : Number(v['public-fraction'])
      if (fraction !== undefined && !(fraction >= 0 && fraction <= 1)) throw new UsageError(`--public-fraction must lie between 0 and 1, not '${v['public-fraction']}'`)
      const version = await importTestSet({
        competitionSlug: required(v.competition, '--competition'),
        imagesDirOrZip: required(v.images, '--images'),
        promptsCsv: required(v.prompts, '--prompts'),
        publicFraction: fraction,
        seed: integer(v.seed, '--seed', 0, 2 ** 31 - 1),
        note: v.note,
        activate: v.activate,
        onProgress: progressPrinter(),
      })
      if (process.stderr.isTTY) process.stderr.write('\n')
      const [view] = (await listTestSets(required(v.competition, '--competition'))).filter((x) => x.id === version.id)
      console.log(
        `version ${version.version} ready: ${version.imageCount} images, ${version.publicCount} public (seed ${version.seed})` +
          (view?.active ? '; active (submissions are rescored by the workers)' : '; not active (arena testset activate to switch)'),
      )
      const width = widthForecast(version.imageCount, version.publicCount / Math.max(1, version.imageCount))
      if (width) console.log(`a typical submission: ${describeWidth(width)}`)
      return 0
    }),
}

export const testsetListCommand: Command = {
  path: ['testset', 'list'],
  summary: "List a competition's test-set versions",
  help: `Usage: arena testset list --competition SLUG [--json]

Options:
  --competition SLUG   the competition
  --json               print JSON instead of a table`,
  run: (args) =>
    withPlatform(async () => {
      const v = parse(args, { competition: { type: 'string' }, json: { type: 'boolean' } })
      const list = await listTestSets(required(v.competition, '--competition'))
      if (v.json) {
        console.log(JSON.stringify({ testSets: list }, null, 2))
        return 0
      }
      if (list.length === 0) {
        console.log('no test-set versions yet (arena testset import)')
        return 0
      }
      const rows = list.map((t) => [
        `${t.active ? '*' : ' '}${t.version}`,
        t.status === 'processing' && t.progress !== null ? `processing ${(t.progress * 100).toFixed(0)}%` : t.status,
        String(t.imageCount),
        String(t.publicCount),
        String(t.seed),
        t.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        t.error ?? t.note,
      ])
      const head = ['VERSION', 'STATUS', 'IMAGES', 'PUBLIC', 'SEED', 'CREATED', 'NOTE/ERROR']
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
      for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '))
      console.log('(* = active)')
      return 0
    }),
}

export const testsetActivateCommand: Command = {
  path: ['testset', 'activate'],
  summary: 'Make a test-set version active and rescore every submission against it',
  help: `Usage: arena testset activate --competition SLUG --version N

Points the competition at version N and queues the rescoring of every submission (run by
\`arena serve\`'s in-process worker or \`arena worker\`). Scores against earlier versions are kept.

Options:
  --competition SLUG   the competition
  --version N          the version number (see arena testset list)`,
  run: (args) =>
    withPlatform(async () => {
      const v = parse(args, { competition: { type: 'string' }, version: { type: 'string' } })
      const n = integer(required(v.version, '--version'), '--version', 1, 1_000_000) ?? 0
      const { version, job } = await activateTestSetByNumber(required(v.competition, '--competition'), n)
      console.log(`version ${version.version} is active; rescoring queued as job ${job.id}`)
      return 0
    }),
}

export const testsetCommands: Command[] = [testsetImportCommand, testsetListCommand, testsetActivateCommand]
