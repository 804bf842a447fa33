/**
 * `arena baseline run`: organizers queue the reference ensemble baseline of a competition (fit on
 * the visible data, run on the hidden images, scored and shown on the leaderboard as the baseline).
 * The job is run by the workers (`arena serve` or `arena worker`); --wait follows its progress.
 */
import { parseArgs } from 'node:util'
import { UsageError, type Command } from '../command.ts'
import { enqueueBaselineBySlug, TrainDataError } from '../../lib/baseline/baseline.ts'
import { config } from '../../lib/platform/config.ts'
import { closeDb, db } from '../../lib/platform/db.ts'
import { isApiError } from '../../lib/errors.ts'
import { applyMigrations } from '../../lib/platform/migrate.ts'
import { closeQueue, queue } from '../../lib/queue/index.ts'

function options(args: string[]): { competition?: string; train?: string; wait?: boolean; interval?: string } {
  try {
    return parseArgs({ args, options: { competition: { type: 'string', short: 'c' }, train: { type: 'string' }, wait: { type: 'boolean' }, interval: { type: 'string' } }, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)} (see --help)`)
  }
}

export const baselineRunCommand: Command = {
  path: ['baseline', 'run'],
  summary: "Queue the competition's reference ensemble baseline (fit, run on the hidden images, score)",
  help: `Usage: arena baseline run --competition SLUG [--train DIR] [--wait] [--interval MS]

Queues a 'run-baseline' job: the reference ensemble (EfficientNet-Lite2 ImageNet features and
logits feeding a ridge head, kNN, a label interrogator and the mean prompt prior; parameters and
weights chosen by 5-fold CV grouped by prompt) is fitted on the visible data, with the prompts
embedded by all-MiniLM-L6-v2, and exported as one ONNX model with a manifest (also written as the
competition's starter kit). Training images that overlap the hidden test set (same bytes or same
prompt) are flagged in the job log first. The model is then run on the hidden images of the
active test set by the same model runner as participants' models (CUDA where present, else CPU).
The result is a teamless submission marked as the baseline, shown on the leaderboard with its CV
report; it replaces the previous baseline, whose scores stay in the history. A worker (arena
serve or arena worker) runs the job.

Training data: DIR (images/<imgId>.png|jpg + prompts.csv imgId,prompt [+ metadata.csv with
promptGroup]) on the worker's disk; default ../shared/data/sd-github-mix when present, else the
competition's example images.

Options:
  --competition SLUG, -c   the competition
  --train DIR              the visible training data
  --wait                   follow the job until it ends; print the score
  --interval MS            polling interval with --wait (default 1000)

Exit codes: 0 ok, 2 bad input or the baseline failed, 1 internal error.`,
  async run(args) {
    const v = options(args)
    if (!v.competition) throw new UsageError('missing --competition (see --help)')
    const interval = v.interval === undefined ? 1000 : Number(v.interval)
    if (!Number.isInteger(interval) || interval < 50) throw new UsageError(`--interval must be an integer ≥ 50, not '${v.interval}'`)
    try {
      await applyMigrations({ url: config().databaseUrl, log: (line) => console.error(line) })
      const { submission, job } = await enqueueBaselineBySlug(v.competition, { trainDir: v.train })
      console.log(`baseline queued: submission ${submission.id}, job ${job.id}`)
      if (!v.wait) return 0
      console.error('waiting for a worker (arena serve or arena worker) to run it…')
      let last = ''
      for (;;) {
        const j = await queue().get(job.id)
        if (!j) throw new Error(`job ${job.id} disappeared`)
        const line = `${(j.progress * 100).toFixed(0).padStart(3)}%  ${j.status}${j.message ? `  ${j.message}` : ''}`
        if (line !== last) {
          process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`)
          last = line
        }
        if (j.status === 'done' || j.status === 'failed') {
          if (process.stderr.isTTY) process.stderr.write('\n')
          const s = await db().submission.findUnique({ where: { id: submission.id } })
          if (j.status === 'failed' || s?.status !== 'scored') {
            console.error(`baseline failed: ${s?.error ?? j.error ?? 'unknown error'}`)
            return 2
          }
          console.log(s.description)
          console.log(`score ${s.score?.toFixed(6)} (public ${s.publicScore?.toFixed(6) ?? '-'}, private ${s.privateScore?.toFixed(6) ?? '-'}), provider ${s.provider ?? 'cpu'}`)
          return 0
        }
        await new Promise((r) => setTimeout(r, interval))
      }
    } catch (err) {
      if (isApiError(err) || err instanceof TrainDataError) throw new UsageError(err.message)
      throw err
    } finally {
      await closeQueue()
      await closeDb()
    }
  },
}
