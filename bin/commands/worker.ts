import { UsageError, type Command } from '../command.ts'
import { intOption, parseOptions } from '../args.ts'
import { config } from '../../lib/platform/config.ts'
import { closeDb } from '../../lib/platform/db.ts'
import { handlersOfPools } from '../../lib/jobs/index.ts'
import { applyMigrations } from '../../lib/platform/migrate.ts'
import { closeQueue, queue, type WorkerEvent } from '../../lib/queue/index.ts'

interface WorkerArgs {
  csv: number
  models: number
  graceMs: number
}

function parseWorkerArgs(args: string[]): WorkerArgs {
  const { values } = parseOptions(args, { csv: { type: 'string' }, models: { type: 'string' }, concurrency: { type: 'string', short: 'c' }, grace: { type: 'string' } })
  const both = values.concurrency === undefined ? undefined : intOption(values.concurrency, '--concurrency', 1, { min: 1, max: 64 })
  const csv = intOption(values.csv, '--csv', both ?? 1, { min: 0, max: 64 })
  const models = intOption(values.models, '--models', both ?? 1, { min: 0, max: 64 })
  if (csv + models === 0) throw new UsageError('--csv and --models cannot both be 0')
  return { csv, models, graceMs: intOption(values.grace, '--grace', 30, { min: 0 }) * 1000 }
}

function describe(e: WorkerEvent): string {
  const at = new Date().toISOString()
  if (e.kind === 'start') return `${at} start ${e.type} ${e.jobId} (attempt ${e.attempt})`
  if (e.kind === 'end') return `${at} end   ${e.type} ${e.jobId} ${e.outcome} in ${e.ms} ms${e.error ? `: ${e.error}` : ''}`
  return `${at} error ${e.error}`
}

export const workerCommand: Command = {
  path: ['worker'],
  summary: 'Run background jobs (scoring, test-set imports) until stopped',
  help: `Usage: arena worker [--csv N] [--models N] [--concurrency N] [--grace SECONDS]

Applies pending migrations, then runs jobs from the queue: the database itself, or BullMQ on
Redis when REDIS_URL is set. Run as many workers as you like, on any machine that reaches the
database (and Redis); a job whose worker dies is taken over once its lease
(ARENA_JOB_LEASE_SECONDS) expires. Prints one line per job start and end.

On SIGINT/SIGTERM it takes no new jobs, lets running ones finish for the grace period, then
aborts them and hands them back to the queue.

Jobs run in two pools: CSV scoring, test-set imports and rescoring in one, model runs (ONNX
submissions, the reference baseline) in the other, so CSV scoring never waits behind a slow
model. A team runs at most one model at a time; its next model waits without holding a slot.

Options:
  --csv N                 CSV-pool jobs run at once by this process (default 1; 0: none)
  --models N              model runs at once by this process (default 1; 0: none)
  --concurrency N, -c N   sets both --csv and --models
  --grace SECONDS         how long running jobs may take to finish when stopping (default 30)`,
  async run(args) {
    const { csv, models, graceMs } = parseWorkerArgs(args)
    const settings = config()
    await applyMigrations({ url: settings.databaseUrl, log: (line) => console.error(line) })
    const q = queue()
    const handlers = handlersOfPools({ csv: csv > 0, model: models > 0 })
    const worker = await q.startWorker(handlers, { poolConcurrency: { csv, model: models }, graceMs, onEvent: (e) => (e.kind === 'error' ? console.error : console.log)(describe(e)) })
    console.log(`worker ${worker.id}: ${q.mode} queue, ${csv} CSV slot(s), ${models} model slot(s), job types: ${Object.keys(handlers).join(', ') || '(none)'}`)

    await new Promise<void>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        console.log(`${signal}: stopping (running jobs get ${graceMs / 1000} s to finish)`)
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        resolve()
      }
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
    })
    await worker.stop({ graceMs })
    await closeQueue()
    await closeDb()
    console.log('worker stopped')
    return 0
  },
}
