// What the jobs that run something on the hidden images (model submissions, the baseline) share:
// the test set to score against, local paths of its images, and running a stored model on them.
import { mkdtemp, rm } from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { db, type TestSetVersion } from '../platform/db.ts'
import { PermanentJobError } from '../queue/types.ts'
import { localCopy, storage } from '../platform/storage.ts'
import type { ModelManifest } from '../../scoring/model/manifest.ts'
import { runModelOnImages, type RunLimits, type RunModelResult } from '../../scoring/model/run-model.ts'
import type { JobContext } from '../queue/types.ts'
import { modelRunLimits } from './model-limits.ts'

export const NO_TEST_SET_MESSAGE = 'The competition has no test set to score against yet; submissions will be rescored once it is ready'

/** The competition's active, ready test set, or a permanent failure (rescored on activation). */
export async function requireActiveTestSet(competitionId: string): Promise<TestSetVersion & { truthKey: string }> {
  const competition = await db().competition.findUnique({ where: { id: competitionId }, include: { activeTestSet: true } })
  const testSet = competition?.activeTestSet
  if (!testSet || testSet.status !== 'ready' || !testSet.truthKey) throw new PermanentJobError(NO_TEST_SET_MESSAGE)
  return { ...testSet, truthKey: testSet.truthKey }
}

export interface HiddenImages {
  /** In truth order (TestImage.position). */
  images: { id: string; path: string }[]
  cleanup: () => Promise<void>
}

/** Local paths of a test set's images: the stored files themselves, or temporary copies. */
export async function loadHiddenImages(testSetId: string): Promise<HiddenImages> {
  const rows = await db().testImage.findMany({ where: { testSetId }, orderBy: { position: 'asc' }, select: { imageId: true, fileKey: true } })
  let tmp: string | undefined
  const images: { id: string; path: string }[] = []
  try {
    for (const r of rows) {
      const local = storage().localPath(r.fileKey)
      if (local) {
        images.push({ id: r.imageId, path: local })
        continue
      }
      tmp ??= await mkdtemp(path.join(tmpdir(), 'arena-hidden-'))
      const file = path.join(tmp, `${images.length}-${path.posix.basename(r.fileKey)}`)
      await pipeline(await storage().read(r.fileKey), createWriteStream(file))
      images.push({ id: r.imageId, path: file })
    }
  } catch (err) {
    if (tmp) await rm(tmp, { recursive: true, force: true })
    throw err
  }
  const dir = tmp
  return { images, cleanup: async () => (dir ? rm(dir, { recursive: true, force: true }) : undefined) }
}

/**
 * Runs a stored ONNX model on a test set's hidden images with the sandboxed runner
 * (scoring/model): the model and images as local files, the run folder on the storage's file
 * system (images hard linked), the runner's lines in the job log. `onProgress` gets images done.
 */
export async function runStoredModel(
  ctx: JobContext,
  input: { modelKey: string; manifest: ModelManifest; testSetId: string; onProgress: (done: number, total: number) => void },
): Promise<{ run: RunModelResult; imageIds: string[]; limits: RunLimits }> {
  const hidden = await loadHiddenImages(input.testSetId)
  const model = await localCopy(input.modelKey)
  const limits = modelRunLimits(hidden.images.length)
  try {
    await ctx.log(`running the model on ${hidden.images.length} hidden images (cap ${limits.wallTimeMs / 1000} s, ${limits.memoryMb} MiB, ${limits.threads} threads)`)
    input.onProgress(0, hidden.images.length)
    const run = await runModelOnImages({
      modelPath: model.path,
      manifest: input.manifest,
      images: hidden.images,
      limits,
      workDir: storage().localPath('model-runs'),
      onLog: (line) => void ctx.log(line),
      onProgress: input.onProgress,
    })
    return { run, imageIds: hidden.images.map((i) => i.id), limits }
  } finally {
    await model.cleanup()
    await hidden.cleanup()
  }
}
