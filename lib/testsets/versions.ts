// Hidden test-set versions: an organizer's upload or import becomes a version (status
// processing); processing validates the files, embeds the prompts into the truth file, splits the
// images into public and private, writes the participants' sample submission and the TestImage
// rows, and makes the version ready. It becomes active only when asked (activateOnImport).
import { Readable } from 'node:stream'
import sharp from 'sharp'
import { db, type Competition, type Job, type TestSetVersion } from '../platform/db.ts'
import { storage, type Storage } from '../platform/storage.ts'
import { now } from '../platform/clock.ts'
import { conflict, isUniqueViolation, notFound } from '../errors.ts'
import { modelDirOptions } from '../platform/embedder-dir.ts'
import { enqueueJob } from '../queue/payloads.ts'
import type { Embedder } from '../../scoring/embedder.ts'
import { buildTruth } from '../../scoring/truth.ts'
import { encodeTruth } from '../../scoring/truth-file.ts'
import { longRows } from '../../scoring/embed/format.ts'
import { loadMiniLmEmbedder, resolveModelDir } from '../../scoring/embed/index.ts'
import { enqueueRescore } from './activation.ts'
import { testSetKeys } from './keys.ts'
import { getTestSetVersion, payloadVersionId } from './reads.ts'
import {
  assignPublic,
  imageFilesOf,
  isTestSetInputError,
  matchImagesToPrompts,
  MAX_SEED,
  parsePromptsCsv,
  randomSeed,
  stageImagesFromZip,
  TestSetInputError,
  type MatchedImage,
} from './input.ts'

export type ProgressFn = (fraction: number, message: string) => void | Promise<void>

// ---------------------------------------------------------------------------------------------
// creating and processing versions

export interface NewVersionOptions {
  publicFraction?: number
  seed?: number
  createdById?: string
  note?: string
}

export function checkSplitOptions(o: { publicFraction?: number; seed?: number }): void {
  if (o.publicFraction !== undefined && !(o.publicFraction >= 0 && o.publicFraction <= 1)) {
    throw new TestSetInputError(`the public fraction must lie between 0 and 1, got ${o.publicFraction}`)
  }
  if (o.seed !== undefined && !(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= MAX_SEED)) {
    throw new TestSetInputError(`the seed must be an integer from 0 to ${MAX_SEED}, got ${o.seed}`)
  }
}

/** A new version row (status processing) with the next version number of the competition. */
export async function createTestSetVersion(competition: Competition, options: NewVersionOptions = {}): Promise<TestSetVersion> {
  checkSplitOptions(options)
  for (let attempt = 0; ; attempt++) {
    const last = await db().testSetVersion.findFirst({ where: { competitionId: competition.id }, orderBy: { version: 'desc' }, select: { version: true } })
    try {
      const created = await db().testSetVersion.create({
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
      return await db().testSetVersion.update({
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
  /**
   * true: activate once ready; false: never; unset: activateOnImport's default (only the first
   * version of a draft competition).
   */
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
export async function processTestSet(versionId: string, options: ProcessOptions = {}): Promise<TestSetVersion> {
  const version = await db().testSetVersion.findUnique({ where: { id: versionId } })
  if (!version) throw notFound(`No test-set version ${versionId}`)
  if (version.status === 'ready') return version
  const report = async (fraction: number, message: string): Promise<void> => {
    await options.onProgress?.(Math.min(1, Math.max(0, fraction)), message)
  }
  const imagesPrefix = testSetKeys.images(versionId)
  try {
    await report(0, 'reading prompts')
    const promptsKey = testSetKeys.prompts(versionId)
    if (!(await storage().exists(promptsKey))) throw new TestSetInputError('the prompts CSV was not uploaded')
    const prompts = parsePromptsCsv((await storage().readBuffer(promptsKey)).toString('utf8'), 'prompts.csv')

    const zipKey = testSetKeys.uploadZip(versionId)
    if (await storage().exists(zipKey)) {
      await report(0.02, 'extracting images')
      await storage().deletePrefix(imagesPrefix)
      await stageImagesFromZip(await storage().read(zipKey), storage(), imagesPrefix, {
        onFile: (n) => void report(0.02 + Math.min(0.08, n / 100_000), `extracted ${n} images`),
      })
    }
    const files = (await storage().list(imagesPrefix)).map((k) => k.slice(imagesPrefix.length))
    const matched = matchImagesToPrompts(imageFilesOf(files), prompts)

    await report(0.1, `decoding ${matched.length} images`)
    await checkDecodes(storage(), imagesPrefix, matched, (n) => report(0.1 + (0.3 * n) / matched.length, `decoded ${n}/${matched.length} images`))

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
    await storage().put(testSetKeys.truth(versionId), encodeTruth(truth))
    await storage().put(testSetKeys.sample(versionId), Readable.from(sampleSubmissionChunks(ids, dim)))
    if (await storage().exists(zipKey)) await storage().delete(zipKey)

    const rows = matched.map((m, position) => ({
      testSetId: versionId,
      imageId: m.id,
      position,
      isPublic: publicIds.has(m.id),
      fileKey: `${imagesPrefix}${m.fileName}`,
    }))
    // Ready and (for the first version, or when asked) active in one step, so a ready version
    // of a competition without an active one is never observed.
    const { ready, activated } = await db().$transaction(async (tx) => {
      await tx.testImage.deleteMany({ where: { testSetId: versionId } })
      for (let i = 0; i < rows.length; i += 1000) await tx.testImage.createMany({ data: rows.slice(i, i + 1000) })
      const competition = await tx.competition.findUnique({ where: { id: version.competitionId }, select: { activeTestSetId: true, publishedAt: true } })
      const activate = competition !== null && activateOnImport(competition, options.activate)
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
    if (activated) await enqueueRescore(ready)
    await report(1, `ready: ${ids.length} images, ${publicIds.size} public${activated ? ', active' : ''}`)
    return ready
  } catch (err) {
    await failTestSetVersion(versionId, isTestSetInputError(err) ? err.message : err instanceof Error ? err.message : String(err))
    throw err
  }
}

/**
 * Whether an imported version becomes active once ready: activation rescores every submission, so
 * it is the organizer's explicit act (the activate option, or the confirmed Activate button), except
 * for the first version of a draft, which nobody can have submitted to yet.
 */
export function activateOnImport(competition: Pick<Competition, 'activeTestSetId' | 'publishedAt'>, requested: boolean | undefined): boolean {
  if (requested !== undefined) return requested
  return competition.activeTestSetId === null && competition.publishedAt === null
}

/** After the API has stored a version's uploads: queue the import (activate: see activateOnImport). */
export async function enqueueTestSetImport(version: TestSetVersion, options: { activate?: boolean } = {}): Promise<Job> {
  return enqueueJob('import-testset', { versionId: version.id, ...(options.activate !== undefined ? { activate: options.activate } : {}) }, { competitionId: version.competitionId, maxAttempts: 1 })
}

/**
 * Marks a version failed with the reason and drops its files: the images of a failed version are
 * of no use; the prompts stay for the organizer's record.
 */
export async function failTestSetVersion(versionId: string, message: string): Promise<void> {
  await db().testSetVersion.update({ where: { id: versionId }, data: { status: 'failed', error: message } })
  await storage().deletePrefix(testSetKeys.images(versionId))
  await storage().delete(testSetKeys.uploadZip(versionId))
}

// ---------------------------------------------------------------------------------------------
// versions a crash left behind, and deleting versions

/** What the organizer reads on a version whose upload or import died with its process. */
export const INTERRUPTED_IMPORT_MESSAGE = 'The upload or import was interrupted; upload it again'

/** Ids of the versions whose 'import-testset' job is queued or running. */
async function versionsWithLiveImport(competitionIds: readonly string[]): Promise<Set<string>> {
  const jobs = await db().job.findMany({
    where: { type: 'import-testset', status: { in: ['queued', 'running'] }, competitionId: { in: [...competitionIds] } },
    select: { payload: true },
  })
  return new Set(jobs.map(payloadVersionId).filter((id): id is string => id !== undefined))
}

/**
 * Processing versions created before `createdBefore` with no queued or running import job: their
 * upload or import died with its process (the upload creates the version first and queues the job
 * only once both files are stored). The caller checks that no upload is still writing their files.
 */
export async function versionsWithoutImport(createdBefore: Date): Promise<TestSetVersion[]> {
  const processing = await db().testSetVersion.findMany({ where: { status: 'processing', createdAt: { lt: createdBefore } } })
  if (processing.length === 0) return []
  const live = await versionsWithLiveImport([...new Set(processing.map((v) => v.competitionId))])
  return processing.filter((v) => !live.has(v.id))
}

/**
 * Organizer: deletes a version with its files and rows. Refused for the active version, for one
 * that is being imported, and for one that holds scores (a formerly active version: they are the
 * submissions' score history).
 */
export async function deleteTestSetVersion(competitionSlug: string, versionNumber: number): Promise<void> {
  const version = await getTestSetVersion(competitionSlug, versionNumber)
  const competition = await db().competition.findUniqueOrThrow({ where: { id: version.competitionId }, select: { activeTestSetId: true } })
  if (competition.activeTestSetId === version.id) throw conflict(`Version ${versionNumber} is the active test set; activate another version first`, 'testset_active')
  if (version.status === 'processing' && (await versionsWithLiveImport([version.competitionId])).has(version.id)) {
    throw conflict(`Version ${versionNumber} is being imported; wait until it is ready or failed`, 'testset_processing')
  }
  const scored = await db().submissionScore.count({ where: { testSetId: version.id } })
  if (scored > 0 || (await db().submission.count({ where: { testSetId: version.id } })) > 0) {
    throw conflict(`Version ${versionNumber} holds the scores of earlier submissions and is kept as their history`, 'testset_has_scores')
  }
  // Rows first (its images go with it), then the files: a failure in between leaves only files
  // that no row points to.
  const { count } = await db().testSetVersion.deleteMany({ where: { id: version.id, status: version.status } })
  if (count !== 1) throw conflict(`Version ${versionNumber} changed meanwhile; reload and try again`, 'testset_changed')
  await storage().deletePrefix(testSetKeys.prefix(version.id))
}
