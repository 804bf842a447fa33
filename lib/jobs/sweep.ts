// The sweep for state a crash left behind (a `kill -9` of the server or a worker at the wrong
// moment). It runs when the server starts and then every ARENA_SWEEP_MINUTES (default 5):
//   - a test-set version left 'processing' with no import job (the upload died before the job was
//     queued) is failed with INTERRUPTED_IMPORT_MESSAGE, once no upload has written its files for
//     UPLOAD_IDLE_MS;
//   - a submission left 'queued' or 'running' with no queued or running job (a crash between
//     committing the submission and queueing its job) gets its scoring job again; a reference
//     baseline run, which needs its fitting step, is failed with a message instead;
//   - '.part' files (the temporary files of storage writes) older than PART_MAX_AGE_MS are removed
//     from local storage.
// Jobs themselves need no sweep: their lease hands a dead worker's job to another worker.
// One process per deployment sweeps (the web server); a second sweeper could queue a submission's
// job twice, which scores it twice with the same result.
import { readdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { isReferenceBaseline } from '../baseline/baseline.ts'
import { config } from '../platform/config.ts'
import { db } from '../platform/db.ts'
import { storage, type LocalStorage } from '../platform/storage.ts'
import { enqueueScoring } from '../submissions/scoring-jobs.ts'
import { testSetKeys } from '../testsets/keys.ts'
import { failTestSetVersion, INTERRUPTED_IMPORT_MESSAGE, versionsWithoutImport } from '../testsets/versions.ts'

/** A submission younger than this may still be between its commit and its enqueue. */
export const SUBMISSION_GRACE_MS = 2 * 60_000
/** A version whose files were written within this time may still be uploading. */
export const UPLOAD_IDLE_MS = 10 * 60_000
/** Temporary files of storage writes older than this belong to no live write. */
export const PART_MAX_AGE_MS = 60 * 60_000

export const INTERRUPTED_BASELINE_MESSAGE = 'The baseline run was interrupted; run it again'

export interface SweepOptions {
  /** The sweep's "now" (tests age things without waiting). */
  now?: Date
  log?: (line: string) => void
}

export interface SweepReport {
  versionsFailed: number
  submissionsRequeued: number
  submissionsFailed: number
  partFilesRemoved: number
}

/** Newest modification time of the files under `dir` (0 when there are none). */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const e of entries) {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) newest = Math.max(newest, await newestMtime(full))
    else newest = Math.max(newest, (await stat(full).catch(() => null))?.mtimeMs ?? 0)
  }
  return newest
}

async function sweepVersions(now: Date, log: (line: string) => void): Promise<number> {
  let failed = 0
  for (const v of await versionsWithoutImport(new Date(now.getTime() - UPLOAD_IDLE_MS))) {
    // On local storage an upload in progress keeps writing its '.part' file: leave it alone.
    const dir = storage().localPath(testSetKeys.prefix(v.id))
    if (dir && (await newestMtime(dir)) > now.getTime() - UPLOAD_IDLE_MS) continue
    const { count } = await db().testSetVersion.updateMany({ where: { id: v.id, status: 'processing' }, data: { status: 'failed', error: INTERRUPTED_IMPORT_MESSAGE } })
    if (count !== 1) continue
    await failTestSetVersion(v.id, INTERRUPTED_IMPORT_MESSAGE)
    log(`sweep: test-set version ${v.version} (${v.id}) had no import job: failed`)
    failed++
  }
  return failed
}

async function sweepSubmissions(now: Date, log: (line: string) => void): Promise<{ requeued: number; failed: number }> {
  const orphans = await db().submission.findMany({
    where: {
      status: { in: ['queued', 'running'] },
      createdAt: { lt: new Date(now.getTime() - SUBMISSION_GRACE_MS) },
      jobs: { none: { status: { in: ['queued', 'running'] } } },
    },
    select: { id: true, kind: true, competitionId: true, teamId: true, fileName: true, fileKey: true },
    take: 1000,
  })
  let requeued = 0
  let failed = 0
  for (const s of orphans) {
    if (isReferenceBaseline(s)) {
      await db().submission.updateMany({ where: { id: s.id, status: { in: ['queued', 'running'] } }, data: { status: 'failed', error: INTERRUPTED_BASELINE_MESSAGE } })
      failed++
      continue
    }
    // Back to queued (a 'running' one shows its progress from 0 again), then its job.
    await db().submission.updateMany({ where: { id: s.id, status: { in: ['queued', 'running'] } }, data: { status: 'queued', progress: 0 } })
    await enqueueScoring(s)
    requeued++
  }
  if (orphans.length > 0) log(`sweep: ${requeued} submission(s) without a job queued again, ${failed} baseline run(s) failed`)
  return { requeued, failed }
}

/** Removes the '.part' files under `root` last modified before `before`. */
export async function removeStaleParts(root: string, before: number): Promise<number> {
  let removed = 0
  let entries
  try {
    entries = await readdir(root, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const e of entries) {
    const full = path.join(root, e.name)
    if (e.isDirectory()) removed += await removeStaleParts(full, before)
    else if (e.name.endsWith('.part')) {
      const st = await stat(full).catch(() => null)
      if (st && st.mtimeMs < before) {
        await rm(full, { force: true })
        removed++
      }
    }
  }
  return removed
}

/** One sweep; each part runs even when another failed (the first error is rethrown at the end). */
export async function sweepOrphans(options: SweepOptions = {}): Promise<SweepReport> {
  const now = options.now ?? new Date()
  const log = options.log ?? (() => {})
  const report: SweepReport = { versionsFailed: 0, submissionsRequeued: 0, submissionsFailed: 0, partFilesRemoved: 0 }
  const errors: unknown[] = []
  await sweepVersions(now, log).then((n) => (report.versionsFailed = n), (err: unknown) => errors.push(err))
  await sweepSubmissions(now, log).then(
    (r) => {
      report.submissionsRequeued = r.requeued
      report.submissionsFailed = r.failed
    },
    (err: unknown) => errors.push(err),
  )
  const store = storage()
  if (store.kind === 'local') {
    const { root } = store as LocalStorage
    await removeStaleParts(root, now.getTime() - PART_MAX_AGE_MS).then((n) => (report.partFilesRemoved = n), (err: unknown) => errors.push(err))
    if (report.partFilesRemoved > 0) log(`sweep: removed ${report.partFilesRemoved} stale partial file(s)`)
  }
  if (errors.length > 0) throw errors[0]
  return report
}

export interface RunningSweep {
  stop(): void
}

/** Sweeps now and then every `intervalMs` (ARENA_SWEEP_MINUTES; 0: only now). Failures are logged, never thrown. */
export function startSweeping(options: { intervalMs?: number; log?: (line: string) => void } = {}): RunningSweep {
  const log = options.log ?? ((line: string) => console.log(line))
  const intervalMs = options.intervalMs ?? config().sweepIntervalMs
  let running: Promise<void> | undefined
  const run = () => {
    running ??= sweepOrphans({ log })
      .then(
        () => {},
        (err: unknown) => log(`sweep failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => (running = undefined))
  }
  run()
  const timer = intervalMs > 0 ? setInterval(run, intervalMs) : undefined
  timer?.unref()
  return {
    stop() {
      if (timer) clearInterval(timer)
    },
  }
}
