// Hidden test sets: organizers import versions (images + prompts), the platform embeds the prompts
// into the truth file, splits the images into public and private, writes the participants'
// sample submission, and activates one version per competition. Activating a version rescoring
// every submission goes through the job queue ('rescore-competition' → one 'score-submission'
// per submission), so the scores of the previous version stay as SubmissionScore history.
//
// Storage layout of a version (all private except the sample submission, served by its route):
//   testsets/<versionId>/prompts.csv              the organizer's prompts
//   testsets/<versionId>/images/<file>            the test images, one file each
//   testsets/<versionId>/upload/images.zip        an uploaded zip until the import job extracts it
//   testsets/<versionId>/truth.bin                the truth file (scoring/truth-file.ts)
//   testsets/<versionId>/sample_submission.csv    a constant prediction in the long format
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import sharp from 'sharp'
import { db as defaultDb, type Competition, type Db, type Job, type TestSetVersion } from '../platform/db.ts'
import { storage as defaultStorage, StorageLimitError, type Storage } from '../platform/storage.ts'
import { queue as defaultQueue } from '../queue/index.ts'
import type { Queue } from '../queue/types.ts'
import { z } from 'zod'
import { config } from '../platform/config.ts'
import { ApiError, badRequest, conflict, notFound } from '../errors.ts'
import { boundaryOf, MultipartError, readMultipart, readTextPart } from '../web/multipart.ts'
import { webStreamChunks } from '../../scoring/source.ts'
import { invalidateLeaderboard } from '../leaderboards/leaderboard.ts'
import { JOB_FOR_KIND } from '../submissions/submissions.ts'
import { now } from '../platform/clock.ts'
import { modelDirOptions } from '../platform/embedder-dir.ts'
import {
  assignPublic,
  imageFilesOf,
  isTestSetInputError,
  matchImagesToPrompts,
  MAX_SEED,
  parsePromptsCsv,
  randomSeed,
  stageImagesFromDir,
  stageImagesFromZip,
  TestSetInputError,
  type MatchedImage,
} from './input.ts'
import type { Embedder } from '../../scoring/embedder.ts'
import { buildTruth } from '../../scoring/truth.ts'
import { encodeTruth } from '../../scoring/truth-file.ts'
import { longRows } from '../../scoring/embed/format.ts'
import { loadMiniLmEmbedder, resolveModelDir } from '../../scoring/embed/index.ts'

export { TestSetInputError, isTestSetInputError } from './input.ts'

/** What the services use; tests pass their own database, storage and queue. */
export interface TestSetDeps {
  db?: Db
  storage?: Storage
  queue?: Queue
}

interface Deps {
  db: Db
  storage: Storage
  queue: () => Queue
}

function deps(d: TestSetDeps = {}): Deps {
  return { db: d.db ?? defaultDb(), storage: d.storage ?? defaultStorage(), queue: () => d.queue ?? defaultQueue() }
}

export const testSetKeys = {
  prefix: (versionId: string) => `testsets/${versionId}/`,
  prompts: (versionId: string) => `testsets/${versionId}/prompts.csv`,
  images: (versionId: string) => `testsets/${versionId}/images/`,
  uploadZip: (versionId: string) => `testsets/${versionId}/upload/images.zip`,
  truth: (versionId: string) => `testsets/${versionId}/truth.bin`,
  sample: (versionId: string) => `testsets/${versionId}/sample_submission.csv`,
}

export type ProgressFn = (fraction: number, message: string) => void | Promise<void>

// ---------------------------------------------------------------------------------------------
// creating and processing versions

export interface NewVersionOptions {
  publicFraction?: number
  seed?: number
  createdById?: string
  note?: string
}

function checkSplitOptions(o: { publicFraction?: number; seed?: number }): void {
  if (o.publicFraction !== undefined && !(o.publicFraction >= 0 && o.publicFraction <= 1)) {
    throw new TestSetInputError(`the public fraction must lie between 0 and 1, got ${o.publicFraction}`)
  }
  if (o.seed !== undefined && !(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= MAX_SEED)) {
    throw new TestSetInputError(`the seed must be an integer from 0 to ${MAX_SEED}, got ${o.seed}`)
  }
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002'
}

/** A new version row (status processing) with the next version number of the competition. */
export async function createTestSetVersion(competition: Competition, options: NewVersionOptions = {}, d: TestSetDeps = {}): Promise<TestSetVersion> {
  checkSplitOptions(options)
  const { db } = deps(d)
  for (let attempt = 0; ; attempt++) {
    const last = await db.testSetVersion.findFirst({ where: { competitionId: competition.id }, orderBy: { version: 'desc' }, select: { version: true } })
    try {
      const created = await db.testSetVersion.create({
        data: {
          competitionId: competition.id,
          version: (last?.version ?? 0) + 1,
          status: 'processing',
          seed: options.seed ?? randomSeed(),
          publicFraction: options.publicFraction ?? competition.publicFraction,
          createdById: options.createdById ?? null,
          note: options.note ?? '',
          createdAt: now(),
        },
      })
      return await db.testSetVersion.update({
        where: { id: created.id },
        data: { promptsKey: testSetKeys.prompts(created.id), imagesPrefix: testSetKeys.images(created.id) },
      })
    } catch (err) {
      // Two imports at once took the same number: take the next one.
      if (isUniqueViolation(err) && attempt < 5) continue
      throw err
    }
  }
}

export interface ProcessOptions {
  onProgress?: ProgressFn
  /** The embedder to use (tests); by default all-MiniLM-L6-v2 is loaded and closed again. */
  embedder?: Embedder
  /** Activate the version once ready even when another one is active (the first is always). */
  activate?: boolean
}

async function openEmbedder(given: Embedder | undefined): Promise<{ embedder: Embedder; owned: boolean }> {
  if (given) return { embedder: given, owned: false }
  // Throws ModelDirError naming every folder looked at and how to prepare the model.
  const modelDir = resolveModelDir(modelDirOptions())
  return { embedder: await loadMiniLmEmbedder({ modelDir }), owned: true }
}

async function checkDecodes(store: Storage, prefix: string, images: readonly MatchedImage[], onDone: (n: number) => Promise<void>): Promise<void> {
  const bad: string[] = []
  let done = 0
  const concurrency = 4
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < images.length) {
      const image = images[next++]
      const key = `${prefix}${image.fileName}`
      try {
        const input = store.localPath(key) ?? (await store.readBuffer(key))
        const meta = await sharp(input, { failOn: 'error' }).stats()
        if (meta.channels.length === 0) throw new Error('no channels')
      } catch (err) {
        bad.push(`'${image.fileName}' (${err instanceof Error ? err.message : String(err)})`)
      }
      await onDone(++done)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  if (bad.length > 0) {
    bad.sort()
    const shown = bad.slice(0, 10)
    const more = bad.length > shown.length ? `, … and ${bad.length - shown.length} more` : ''
    throw new TestSetInputError(`${bad.length} image${bad.length === 1 ? '' : 's'} cannot be decoded: ${shown.join(', ')}${more}`)
  }
}

/** The value of every dimension in the sample submission: the unit vector along (1, …, 1). */
export function sampleValue(dim: number): number {
  return 1 / Math.sqrt(dim)
}

async function* sampleSubmissionChunks(ids: readonly string[], dim: number): AsyncGenerator<Buffer> {
  const constant = new Float32Array(dim).fill(sampleValue(dim))
  yield Buffer.from('imgId_eId,val\n')
  let batch = ''
  for (const id of ids) {
    batch += longRows(id, constant, 0, dim)
    if (batch.length > 1 << 16) {
      yield Buffer.from(batch)
      batch = ''
    }
  }
  if (batch) yield Buffer.from(batch)
}

/**
 * Turns a version's staged files into a ready test set: validates, embeds, splits, writes the
 * truth file, the sample submission and the TestImage rows. Idempotent (a job that is taken over
 * after a crash runs it again). On failure the version is marked failed with the reason and the
 * error is rethrown.
 */
export async function processTestSet(versionId: string, options: ProcessOptions = {}, d: TestSetDeps = {}): Promise<TestSetVersion> {
  const { db, storage } = deps(d)
  const version = await db.testSetVersion.findUnique({ where: { id: versionId } })
  if (!version) throw notFound(`No test-set version ${versionId}`)
  if (version.status === 'ready') return version
  const report = async (fraction: number, message: string): Promise<void> => {
    await options.onProgress?.(Math.min(1, Math.max(0, fraction)), message)
  }
  const imagesPrefix = testSetKeys.images(versionId)
  try {
    await report(0, 'reading prompts')
    const promptsKey = testSetKeys.prompts(versionId)
    if (!(await storage.exists(promptsKey))) throw new TestSetInputError('the prompts CSV was not uploaded')
    const prompts = parsePromptsCsv((await storage.readBuffer(promptsKey)).toString('utf8'), 'prompts.csv')

    const zipKey = testSetKeys.uploadZip(versionId)
    if (await storage.exists(zipKey)) {
      await report(0.02, 'extracting images')
      await storage.deletePrefix(imagesPrefix)
      await stageImagesFromZip(await storage.read(zipKey), storage, imagesPrefix, {
        onFile: (n) => void report(0.02 + Math.min(0.08, n / 100_000), `extracted ${n} images`),
      })
    }
    const files = (await storage.list(imagesPrefix)).map((k) => k.slice(imagesPrefix.length))
    const matched = matchImagesToPrompts(imageFilesOf(files), prompts)

    await report(0.1, `decoding ${matched.length} images`)
    await checkDecodes(storage, imagesPrefix, matched, (n) => report(0.1 + (0.3 * n) / matched.length, `decoded ${n}/${matched.length} images`))

    await report(0.4, `embedding ${matched.length} prompts`)
    const { embedder, owned } = await openEmbedder(options.embedder)
    let vectors: Float32Array
    try {
      vectors = await embedder.embed(
        matched.map((m) => m.prompt),
        (done, total) => void report(0.4 + (0.5 * done) / total, `embedded ${done}/${total} prompts`),
      )
    } finally {
      if (owned) await embedder.close()
    }
    const dim = embedder.dim

    await report(0.9, 'writing the truth file and the sample submission')
    const ids = matched.map((m) => m.id)
    const publicIds = assignPublic(ids, version.publicFraction, version.seed)
    const truth = buildTruth(ids, vectors, dim, { publicIds })
    await storage.put(testSetKeys.truth(versionId), encodeTruth(truth))
    await storage.put(testSetKeys.sample(versionId), Readable.from(sampleSubmissionChunks(ids, dim)))
    if (await storage.exists(zipKey)) await storage.delete(zipKey)

    const rows = matched.map((m, position) => ({
      testSetId: versionId,
      imageId: m.id,
      position,
      isPublic: publicIds.has(m.id),
      fileKey: `${imagesPrefix}${m.fileName}`,
    }))
    // Ready and (for the first version, or when asked) active in one step, so a ready version
    // of a competition without an active one is never observed.
    const { ready, activated } = await db.$transaction(async (tx) => {
      await tx.testImage.deleteMany({ where: { testSetId: versionId } })
      for (let i = 0; i < rows.length; i += 1000) await tx.testImage.createMany({ data: rows.slice(i, i + 1000) })
      const competition = await tx.competition.findUnique({ where: { id: version.competitionId }, select: { activeTestSetId: true } })
      const activate = options.activate === true || !competition?.activeTestSetId
      if (activate) await tx.competition.update({ where: { id: version.competitionId }, data: { activeTestSetId: versionId } })
      const updated = await tx.testSetVersion.update({
        where: { id: versionId },
        data: {
          status: 'ready',
          error: null,
          imageCount: ids.length,
          publicCount: publicIds.size,
          dim,
          truthKey: testSetKeys.truth(versionId),
          promptsKey,
          imagesPrefix,
          sampleKey: testSetKeys.sample(versionId),
          ...(activate ? { activatedAt: now() } : {}),
        },
      })
      return { ready: updated, activated: activate }
    })
    if (activated) await enqueueRescore(ready, d)
    await report(1, `ready: ${ids.length} images, ${publicIds.size} public${activated ? ', active' : ''}`)
    return ready
  } catch (err) {
    const message = isTestSetInputError(err) ? err.message : err instanceof Error ? err.message : String(err)
    await db.testSetVersion.update({ where: { id: versionId }, data: { status: 'failed', error: message } })
    // The images of a failed version are of no use; the prompts stay for the organizer's record.
    await storage.deletePrefix(imagesPrefix)
    await storage.delete(testSetKeys.uploadZip(versionId))
    throw err
  }
}

export interface ImportTestSetOptions extends NewVersionOptions, ProcessOptions {
  competitionSlug: string
  /** A folder of images or a .zip of them. */
  imagesDirOrZip: string
  /** The `imgId,prompt` CSV. */
  promptsCsv: string
}

/**
 * Imports local files as a new version in one go (CLI, demo). Problems found before a version is
 * created (missing files, a bad prompts CSV, bad options) create none; later ones leave a failed
 * version with the reason. Throws TestSetInputError for problems with the files.
 */
export async function importTestSet(options: ImportTestSetOptions, d: TestSetDeps = {}): Promise<TestSetVersion> {
  const { db, storage } = deps(d)
  const competition = await db.competition.findUnique({ where: { slug: options.competitionSlug } })
  if (!competition) throw notFound(`No competition '${options.competitionSlug}'`)
  checkSplitOptions(options)
  let promptsText: string
  try {
    promptsText = await readFile(options.promptsCsv, 'utf8')
  } catch (err) {
    throw new TestSetInputError(`cannot read the prompts CSV ${options.promptsCsv}: ${err instanceof Error ? err.message : String(err)}`)
  }
  parsePromptsCsv(promptsText, options.promptsCsv)
  let isDir: boolean
  try {
    isDir = (await stat(options.imagesDirOrZip)).isDirectory()
  } catch (err) {
    throw new TestSetInputError(`cannot read the images ${options.imagesDirOrZip}: ${err instanceof Error ? err.message : String(err)}`)
  }

  const version = await createTestSetVersion(competition, options, d)
  const report = async (fraction: number, message: string): Promise<void> => {
    await options.onProgress?.(fraction, message)
  }
  try {
    await storage.put(testSetKeys.prompts(version.id), Buffer.from(promptsText, 'utf8'))
    await report(0, 'copying images')
    const onFile = (n: number) => void report(0, `copied ${n} images`)
    if (isDir) await stageImagesFromDir(options.imagesDirOrZip, storage, testSetKeys.images(version.id), { onFile })
    else await stageImagesFromZip(createReadStream(options.imagesDirOrZip), storage, testSetKeys.images(version.id), { onFile })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await db.testSetVersion.update({ where: { id: version.id }, data: { status: 'failed', error: message } })
    await storage.deletePrefix(testSetKeys.images(version.id))
    throw err
  }
  return processTestSet(version.id, options, d)
}

export interface EnqueueImportOptions extends NewVersionOptions {
  activate?: boolean
}

/** The queue payload of an 'import-testset' job. */
export interface ImportTestSetPayload {
  versionId: string
  activate?: boolean
}

/** After the API has stored a version's uploads: queue the import. */
export async function enqueueTestSetImport(version: TestSetVersion, options: { activate?: boolean } = {}, d: TestSetDeps = {}): Promise<Job> {
  const payload: ImportTestSetPayload = { versionId: version.id, activate: options.activate ?? false }
  return deps(d).queue().enqueue('import-testset', payload, { competitionId: version.competitionId, maxAttempts: 1 })
}

/** Marks a version failed (e.g. its upload broke off) and drops its files except the prompts. */
export async function failTestSetVersion(versionId: string, message: string, d: TestSetDeps = {}): Promise<void> {
  const { db, storage } = deps(d)
  await db.testSetVersion.update({ where: { id: versionId }, data: { status: 'failed', error: message } })
  await storage.deletePrefix(testSetKeys.images(versionId))
  await storage.delete(testSetKeys.uploadZip(versionId))
}

// ---------------------------------------------------------------------------------------------
// activation and rescoring

/** The queue payload of a 'rescore-competition' job. */
export interface RescorePayload {
  competitionId: string
  testSetId: string
}

/** The queue payload of the 'score-submission' jobs a rescore enqueues. */
export interface RescoreSubmissionPayload {
  submissionId: string
  /** Score against this version; its SubmissionScore row is written, and the submission's current scores switch when it is active. */
  testSetId: string
}

export interface Activation {
  version: TestSetVersion
  /** The 'rescore-competition' job. */
  job: Job
}

/**
 * Makes a ready version the competition's active test set and queues the rescoring of every
 * submission against it. Scores against earlier versions stay (SubmissionScore history).
 */
export async function activateTestSet(versionId: string, d: TestSetDeps = {}): Promise<Activation> {
  const { db } = deps(d)
  const version = await db.testSetVersion.findUnique({ where: { id: versionId } })
  if (!version) throw notFound(`No test-set version ${versionId}`)
  if (version.status !== 'ready') throw conflict(`Version ${version.version} is ${version.status}; only a ready version can be activated`, 'testset_not_ready')
  const t = now()
  const [, activated] = await db.$transaction([
    db.competition.update({ where: { id: version.competitionId }, data: { activeTestSetId: version.id } }),
    db.testSetVersion.update({ where: { id: version.id }, data: { activatedAt: t } }),
  ])
  return { version: activated, job: await enqueueRescore(activated, d) }
}

/** Queues the 'rescore-competition' job of a version that has just become active. */
async function enqueueRescore(version: TestSetVersion, d: TestSetDeps): Promise<Job> {
  const payload: RescorePayload = { competitionId: version.competitionId, testSetId: version.id }
  return deps(d).queue().enqueue('rescore-competition', payload, { competitionId: version.competitionId })
}

export async function activateTestSetByNumber(competitionSlug: string, versionNumber: number, d: TestSetDeps = {}): Promise<Activation> {
  const version = await getTestSetVersion(competitionSlug, versionNumber, d)
  return activateTestSet(version.id, d)
}

export interface RescoreOutcome {
  /** Submissions whose scores against this version already existed and were switched to. */
  reused: number
  /** 'score-submission' (or 'run-model') jobs enqueued. */
  enqueued: number
  /** True when another version became active meanwhile, so nothing was done. */
  superseded: boolean
}

/**
 * Body of the 'rescore-competition' job. Submissions already scored against this version (a
 * re-activation) take those scores back; every other finished submission gets the ordinary
 * scoring job of its kind (JOB_FOR_KIND of lib/submissions), which scores the active version.
 * Failed submissions are included: one that failed because no test set was ready yet (or on ids
 * of the old version) may pass now. Queued or running submissions are left alone: their pending
 * job scores the active version anyway.
 */
export async function rescoreForTestSet(payload: RescorePayload, d: TestSetDeps = {}): Promise<RescoreOutcome> {
  const { db, queue } = deps(d)
  const competition = await db.competition.findUnique({ where: { id: payload.competitionId }, select: { activeTestSetId: true } })
  if (!competition || competition.activeTestSetId !== payload.testSetId) return { reused: 0, enqueued: 0, superseded: true }
  const submissions = await db.submission.findMany({
    where: { competitionId: payload.competitionId, status: { in: ['scored', 'failed'] } },
    select: { id: true, kind: true, testSetId: true, scores: { where: { testSetId: payload.testSetId } } },
    orderBy: { createdAt: 'asc' },
  })
  let reused = 0
  let enqueued = 0
  for (const s of submissions) {
    if (s.testSetId === payload.testSetId) continue
    const previous = s.scores[0]
    if (previous && previous.error === null && previous.score !== null) {
      await db.submission.update({
        where: { id: s.id },
        data: {
          status: 'scored',
          error: null,
          errorLine: null,
          publicScore: previous.publicScore,
          privateScore: previous.privateScore,
          score: previous.score,
          perImageKey: previous.perImageKey,
          testSetId: payload.testSetId,
        },
      })
      reused++
      continue
    }
    const jobPayload: RescoreSubmissionPayload = { submissionId: s.id, testSetId: payload.testSetId }
    await queue().enqueue(JOB_FOR_KIND[s.kind], jobPayload, { submissionId: s.id, competitionId: payload.competitionId })
    enqueued++
  }
  if (reused > 0) invalidateLeaderboard(payload.competitionId)
  return { reused, enqueued, superseded: false }
}

// ---------------------------------------------------------------------------------------------
// reading

export async function requireCompetitionBySlug(slug: string, d: TestSetDeps = {}): Promise<Competition> {
  const c = await deps(d).db.competition.findUnique({ where: { slug } })
  if (!c) throw notFound(`No competition '${slug}'`)
  return c
}

export async function getTestSetVersion(competitionSlug: string, versionNumber: number, d: TestSetDeps = {}): Promise<TestSetVersion> {
  const competition = await requireCompetitionBySlug(competitionSlug, d)
  const version = await deps(d).db.testSetVersion.findUnique({ where: { competitionId_version: { competitionId: competition.id, version: versionNumber } } })
  if (!version) throw notFound(`Competition '${competitionSlug}' has no test-set version ${versionNumber}`)
  return version
}

/** What organizers see of a version (never the truth, prompts or the split). */
export interface TestSetView {
  id: string
  version: number
  status: TestSetVersion['status']
  error: string | null
  active: boolean
  imageCount: number
  publicCount: number
  publicFraction: number
  seed: number
  dim: number
  note: string
  createdAt: Date
  activatedAt: Date | null
  /** Import progress in [0,1] and its status line while processing (from the import job). */
  progress: number | null
  message: string | null
  jobId: string | null
}

function payloadVersionId(job: Job): string | undefined {
  try {
    const p: unknown = JSON.parse(job.payload)
    if (typeof p === 'object' && p !== null && 'versionId' in p && typeof p.versionId === 'string') return p.versionId
  } catch {
    // not ours
  }
  return undefined
}

export function testSetView(v: TestSetVersion, activeTestSetId: string | null, job?: Job): TestSetView {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    error: v.error,
    active: v.id === activeTestSetId,
    imageCount: v.imageCount,
    publicCount: v.publicCount,
    publicFraction: v.publicFraction,
    seed: v.seed,
    dim: v.dim,
    note: v.note,
    createdAt: v.createdAt,
    activatedAt: v.activatedAt,
    progress: v.status === 'ready' ? 1 : job ? job.progress : null,
    message: job ? job.message || null : null,
    jobId: job?.id ?? null,
  }
}

/** The versions of a competition, newest first, with the progress of their import jobs. */
export async function listTestSets(competitionSlug: string, d: TestSetDeps = {}): Promise<TestSetView[]> {
  const { db } = deps(d)
  const competition = await requireCompetitionBySlug(competitionSlug, d)
  const versions = await db.testSetVersion.findMany({ where: { competitionId: competition.id }, orderBy: { version: 'desc' } })
  const jobs = await db.job.findMany({ where: { competitionId: competition.id, type: 'import-testset' }, orderBy: { createdAt: 'desc' } })
  const jobByVersion = new Map<string, Job>()
  for (const job of jobs) {
    const id = payloadVersionId(job)
    if (id && !jobByVersion.has(id)) jobByVersion.set(id, job)
  }
  // Read the pointer after the versions: a version that reads as ready was activated (or not) in
  // the same transaction, so this read sees its activation.
  const pointer = await db.competition.findUnique({ where: { id: competition.id }, select: { activeTestSetId: true } })
  return versions.map((v) => testSetView(v, pointer?.activeTestSetId ?? null, jobByVersion.get(v.id)))
}

export interface SampleSubmission {
  key: string
  size: number
  fileName: string
  version: number
}

/** The active version's sample submission (public: it holds no truth). */
export async function sampleSubmission(competitionSlug: string, d: TestSetDeps = {}): Promise<SampleSubmission> {
  const { db, storage } = deps(d)
  const competition = await requireCompetitionBySlug(competitionSlug, d)
  if (!competition.activeTestSetId) throw notFound(`Competition '${competitionSlug}' has no active test set yet`)
  const version = await db.testSetVersion.findUnique({ where: { id: competition.activeTestSetId } })
  if (!version?.sampleKey) throw notFound(`Competition '${competitionSlug}' has no sample submission yet`)
  return { key: version.sampleKey, size: await storage.size(version.sampleKey), fileName: 'sample_submission.csv', version: version.version }
}

// ---------------------------------------------------------------------------------------------
// example images for the data page (not part of any test set)

export interface ExampleImage {
  imageId: string
  prompt: string
  /** File name under the examples folder, e.g. 'ex-01.png'. */
  fileName: string
  fileKey: string
  width: number
  height: number
}

export const exampleKeys = {
  prefix: (competitionId: string) => `competitions/${competitionId}/examples/`,
  manifest: (competitionId: string) => `competitions/${competitionId}/examples/manifest.json`,
  file: (competitionId: string, fileName: string) => `competitions/${competitionId}/examples/${fileName}`,
}

function isExample(v: unknown): v is ExampleImage {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o.imageId === 'string' && typeof o.prompt === 'string' && typeof o.fileName === 'string' && typeof o.fileKey === 'string' && typeof o.width === 'number' && typeof o.height === 'number'
}

/** Example images with their prompts, for the competition's data page; [] when there are none. */
export async function listExamples(competitionId: string, d: TestSetDeps = {}): Promise<ExampleImage[]> {
  const { storage } = deps(d)
  const key = exampleKeys.manifest(competitionId)
  if (!(await storage.exists(key))) return []
  const parsed: unknown = JSON.parse((await storage.readBuffer(key)).toString('utf8'))
  const list = typeof parsed === 'object' && parsed !== null && 'examples' in parsed ? parsed.examples : undefined
  return Array.isArray(list) ? list.filter(isExample) : []
}

/** Stores example images and their manifest (replacing any earlier ones). */
export async function saveExamples(competitionId: string, examples: readonly { imageId: string; prompt: string; fileName: string; bytes: Uint8Array }[], d: TestSetDeps = {}): Promise<ExampleImage[]> {
  const { storage } = deps(d)
  await storage.deletePrefix(exampleKeys.prefix(competitionId))
  const out: ExampleImage[] = []
  for (const e of examples) {
    const key = exampleKeys.file(competitionId, e.fileName)
    await storage.put(key, e.bytes)
    const meta = await sharp(e.bytes).metadata()
    out.push({ imageId: e.imageId, prompt: e.prompt, fileName: e.fileName, fileKey: key, width: meta.width ?? 0, height: meta.height ?? 0 })
  }
  await storage.put(exampleKeys.manifest(competitionId), Buffer.from(JSON.stringify({ examples: out }, null, 2)))
  return out
}


// ---------------------------------------------------------------------------------------------
// the organizer upload (POST /api/competitions/:slug/testsets)

const PROMPTS_LIMIT_BYTES = 64 * 1024 * 1024

const uploadFieldsSchema = z.object({
  publicFraction: z.coerce.number().min(0).max(1).optional(),
  seed: z.coerce.number().int().min(0).max(MAX_SEED).optional(),
  note: z.string().max(1000).optional(),
  activate: z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v)).optional(),
})

export interface UploadedTestSet {
  testSet: TestSetView
  jobId: string
}

/**
 * Receives a multipart form with the files `images` (a .zip) and `prompts` (the imgId,prompt CSV),
 * plus optional fields (or query parameters) publicFraction, seed, note, activate. Both files are
 * streamed to storage as they arrive, the prompts are checked at once (a bad CSV is a 400 with its
 * line), and the rest of the import runs as an 'import-testset' job.
 */
export async function uploadTestSet(competition: Competition, createdBy: { id: string }, request: Request, d: TestSetDeps = {}): Promise<UploadedTestSet> {
  const { db, storage } = deps(d)
  const boundary = boundaryOf(request.headers.get('content-type'))
  if (!boundary || !request.body) throw badRequest('Send a multipart form with the files images (a .zip of the images) and prompts (the imgId,prompt CSV)', 'no_file')
  const fields: Record<string, string> = Object.fromEntries(new URL(request.url).searchParams.entries())
  const early = uploadFieldsSchema.parse(fields)
  const version = await createTestSetVersion(competition, { publicFraction: early.publicFraction, seed: early.seed, note: early.note, createdById: createdBy.id }, d)
  const got = { images: false, prompts: false }
  try {
    for await (const part of readMultipart(webStreamChunks(request.body), boundary)) {
      if (part.name === 'images' && part.fileName !== undefined) {
        await storage.put(testSetKeys.uploadZip(version.id), part.body, { limitBytes: config().uploadLimitBytes })
        got.images = true
      } else if (part.name === 'prompts' && part.fileName !== undefined) {
        await storage.put(testSetKeys.prompts(version.id), part.body, { limitBytes: PROMPTS_LIMIT_BYTES })
        got.prompts = true
      } else if (part.fileName !== undefined) {
        throw badRequest(`Unexpected file field '${part.name}': send images (a .zip) and prompts (a .csv)`, 'bad_multipart')
      } else {
        fields[part.name] = await readTextPart(part.body)
      }
    }
    if (!got.images || !got.prompts) throw badRequest(`The form lacks the file ${!got.images ? 'images (a .zip of the images)' : 'prompts (the imgId,prompt CSV)'}`, 'no_file')
    parsePromptsCsv((await storage.readBuffer(testSetKeys.prompts(version.id))).toString('utf8'), 'prompts.csv')
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await failTestSetVersion(version.id, `upload failed: ${message}`, d)
    if (err instanceof StorageLimitError || (err instanceof Error && err.name === 'StorageLimitError')) throw new ApiError(413, 'too_large', message)
    if (err instanceof MultipartError) throw badRequest(message, 'bad_multipart')
    if (isTestSetInputError(err)) throw badRequest(message, 'invalid_testset')
    throw err
  }
  const late = uploadFieldsSchema.parse(fields)
  const updated = await db.testSetVersion.update({
    where: { id: version.id },
    data: {
      ...(late.publicFraction !== undefined ? { publicFraction: late.publicFraction } : {}),
      ...(late.seed !== undefined ? { seed: late.seed } : {}),
      ...(late.note !== undefined ? { note: late.note } : {}),
    },
  })
  const job = await enqueueTestSetImport(updated, { activate: late.activate ?? false }, d)
  return { testSet: testSetView(updated, competition.activeTestSetId, job), jobId: job.id }
}
