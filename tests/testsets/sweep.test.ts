// Issue 11, item 12: state a crash leaves behind is swept (lib/jobs/sweep.ts), and an organizer
// can delete a failed test-set version. The attacks: `kill -9` of an upload in its own process
// (a 'processing' version with no job, a '.part' file), and a process that stops between
// committing a submission and queueing its job.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { expect, it } from 'vitest'
import { DELETE as deleteVersion } from '../../app/api/competitions/[slug]/testsets/[version]/route.ts'
import { POST as deleteForm } from '../../app/(forms)/forms/organizer/delete-testset/route.ts'
import { POST as upload } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { PART_MAX_AGE_MS, SUBMISSION_GRACE_MS, sweepOrphans, UPLOAD_IDLE_MS } from '../../lib/jobs/sweep.ts'
import { repoRoot } from '../../lib/platform/config.ts'
import type { Queue } from '../../lib/queue/types.ts'
import { INTERRUPTED_IMPORT_MESSAGE } from '../../lib/testsets/versions.ts'
import { testSetKeys } from '../../lib/testsets/keys.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, submissionCsv, useTestApp, waitFor, type TestApp } from '../helpers/app.ts'
import { joinComp, makeOrganizer, signUp } from '../api/users.ts'

const CHILD = path.join(repoRoot, 'tests/testsets/fixtures/upload-child.ts')
const later = (ms: number) => new Date(Date.now() + ms)

/** Runs an upload in a child process until its first chunk is on disk, then kills it with SIGKILL. */
async function killedUpload(app: TestApp, url: string, competitionId: string): Promise<{ versionId: string; part: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url, ARENA_DATA_DIR: path.dirname(app.storage.root), COMPETITION_ID: competitionId, ARENA_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stderr: string[] = []
  createInterface({ input: proc.stderr }).on('line', (l) => stderr.push(l))
  const writing = await new Promise<{ versionId: string; part: string }>((resolve, reject) => {
    createInterface({ input: proc.stdout }).on('line', (line) => resolve(JSON.parse(line) as { versionId: string; part: string }))
    proc.once('exit', (code) => reject(new Error(`upload child exited (${code}) before writing: ${stderr.join('\n')}`)))
  })
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill('SIGKILL')
  await exited
  return writing
}

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('fails a version whose upload was killed, removes its partial file, and lets the organizer delete it (not the active one)', async () => {
    const c = await seedCompetition(app)
    const organizer = await makeOrganizer(app, 'org-sweep')
    const alice = await signUp(app, 'alice-sweep')
    const { versionId, part } = await killedUpload(app, t.url, c.id)
    const version = await t.db.testSetVersion.findUniqueOrThrow({ where: { id: versionId } })
    expect(version.status).toBe('processing')
    expect(existsSync(part)).toBe(true)
    expect(await t.db.job.count({ where: { type: 'import-testset', competitionId: c.id } })).toBe(0)

    // Right after the crash the upload might still be alive (another process): left alone.
    expect((await sweepOrphans()).versionsFailed).toBe(0)
    expect((await t.db.testSetVersion.findUniqueOrThrow({ where: { id: versionId } })).status).toBe('processing')

    // Once nothing has written its files for a while: failed with a message, partial file gone.
    const report = await sweepOrphans({ now: later(Math.max(UPLOAD_IDLE_MS, PART_MAX_AGE_MS) + 60_000) })
    expect(report.versionsFailed).toBe(1)
    expect(report.partFilesRemoved).toBeGreaterThanOrEqual(1)
    expect(await t.db.testSetVersion.findUniqueOrThrow({ where: { id: versionId } })).toMatchObject({ status: 'failed', error: INTERRUPTED_IMPORT_MESSAGE })
    expect(existsSync(part)).toBe(false)

    // Delete: participants may not, the active version may not be, the failed one goes with its files.
    const del = (n: number, token: string) => deleteVersion(app.request(`/api/competitions/${c.slug}/testsets/${n}`, { method: 'DELETE', token }), params({ slug: c.slug, version: String(n) }))
    expect((await del(version.version, alice.token)).status).toBe(403)
    const active = await del(1, organizer.token)
    expect(active.status).toBe(409)
    expect(((await active.json()) as { error: { code: string } }).error.code).toBe('testset_active')
    await app.storage.put(testSetKeys.prompts(versionId), Buffer.from('imgId,prompt\n'))
    expect((await del(version.version, organizer.token)).status).toBe(204)
    expect(await t.db.testSetVersion.findUnique({ where: { id: versionId } })).toBeNull()
    expect(await app.storage.list(testSetKeys.prefix(versionId))).toEqual([])
    expect(await t.db.testSetVersion.findUnique({ where: { id: c.testSetId } })).not.toBeNull()
    expect((await del(version.version, organizer.token)).status).toBe(404)

    // The organizer page's button posts this form: same rules, answered with a redirect.
    const { versionId: second } = await killedUpload(app, t.url, c.id)
    await sweepOrphans({ now: later(Math.max(UPLOAD_IDLE_MS, PART_MAX_AGE_MS) + 60_000) })
    const n = (await t.db.testSetVersion.findUniqueOrThrow({ where: { id: second } })).version
    const form = (slug: string, v: number) =>
      deleteForm(app.request('/forms/organizer/delete-testset', { body: new URLSearchParams({ slug, version: String(v), returnTo: `/organizer/${slug}` }), headers: { cookie: organizer.cookie, 'content-type': 'application/x-www-form-urlencoded' } }))
    const refused = await form(c.slug, 1)
    expect(refused.status).toBe(303)
    expect(refused.headers.get('location')).toMatch(/error=/)
    const done = await form(c.slug, n)
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toMatch(/notice=/)
    expect(await t.db.testSetVersion.findUnique({ where: { id: second } })).toBeNull()
  })

  it('queues the job again of a submission committed by a process that stopped before queueing it', async () => {
    const c = await seedCompetition(app)
    const bob = await signUp(app, 'bob-sweep')
    await joinComp(app, bob, c.slug)
    // The process stops right after the submission's commit: its enqueue never happens.
    const holder = globalThis as typeof globalThis & { __arenaQueue?: Queue }
    holder.__arenaQueue = { ...app.queue, enqueue: () => new Promise(() => {}) }
    try {
      void upload(app.request(`/api/competitions/${c.slug}/submissions?filename=sub.csv`, { method: 'POST', token: bob.token, body: submissionCsv(c.truth, () => 1) }), params({ slug: c.slug }))
      await waitFor('the submission row', () => t.db.submission.findFirst({ where: { competitionId: c.id } }))
    } finally {
      holder.__arenaQueue = app.queue
    }
    const sub = await t.db.submission.findFirstOrThrow({ where: { competitionId: c.id } })
    expect(sub.status).toBe('queued')
    expect(await t.db.job.count({ where: { submissionId: sub.id } })).toBe(0)

    // Within the grace period it may still be on its way to the queue: left alone.
    expect((await sweepOrphans()).submissionsRequeued).toBe(0)
    const report = await sweepOrphans({ now: later(SUBMISSION_GRACE_MS + 60_000) })
    expect(report.submissionsRequeued).toBe(1)
    const scored = await settled(app, sub.id)
    expect(scored.status).toBe('scored')
    expect(scored.publicScore).toBeCloseTo(1, 6)
    // Scored now, with its one job: a later sweep does nothing.
    expect((await sweepOrphans({ now: later(SUBMISSION_GRACE_MS + 60_000) })).submissionsRequeued).toBe(0)
    expect(await t.db.job.count({ where: { submissionId: sub.id } })).toBe(1)
  })
})
