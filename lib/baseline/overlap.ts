// Overlap between a baseline's training images and a competition's hidden test set (same file
// bytes or same normalised prompt, scoring/baseline/overlap.ts). The baseline job logs them before
// it fits (organizers read job logs; participants never see them), and the organizer console can
// call `baselineOverlaps` before queueing a run.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { findOverlaps, type Overlap } from '../../scoring/baseline/overlap.ts'
import { loadBaselineTrainingData } from './baseline.ts'
import { db } from '../platform/db.ts'
import { storage } from '../platform/storage.ts'
import { parsePromptsCsv, TestSetInputError } from '../testsets/input.ts'
import { testSetKeys } from '../testsets/keys.ts'

export type { Overlap }

async function sha256Stream(stream: AsyncIterable<unknown>): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of stream) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** sha256 of a local file. */
export const sha256OfFile = (file: string): Promise<string> => sha256Stream(createReadStream(file))

/**
 * Training images ({id, imagePath, prompt}) that overlap the competition's active test set;
 * [] when it has none yet.
 */
export async function baselineOverlaps(
  competitionId: string,
  train: readonly { readonly id: string; readonly imagePath: string; readonly prompt: string }[],
): Promise<Overlap[]> {
  const competition = await db().competition.findUnique({ where: { id: competitionId }, select: { activeTestSetId: true } })
  const testSetId = competition?.activeTestSetId
  if (!testSetId) return []
  const images = await db().testImage.findMany({ where: { testSetId }, orderBy: { position: 'asc' }, select: { imageId: true, fileKey: true } })
  const prompts = new Map<string, string>()
  const promptsKey = testSetKeys.prompts(testSetId)
  if (await storage().exists(promptsKey)) {
    try {
      for (const r of parsePromptsCsv((await storage().readBuffer(promptsKey)).toString('utf8'))) prompts.set(r.id, r.prompt)
    } catch (err) {
      if (!(err instanceof TestSetInputError)) throw err
    }
  }
  const hidden = []
  for (const img of images) hidden.push({ id: img.imageId, sha256: await sha256Stream(await storage().read(img.fileKey)), prompt: prompts.get(img.imageId) })
  const trainItems = []
  for (const t of train) trainItems.push({ id: t.id, sha256: await sha256OfFile(t.imagePath), prompt: t.prompt })
  return findOverlaps(trainItems, hidden)
}

/** One log line per overlap kind, naming up to 10 pairs. */
export function describeOverlaps(overlaps: readonly Overlap[]): string[] {
  const lines: string[] = []
  for (const reason of ['same-file', 'same-prompt'] as const) {
    const list = overlaps.filter((o) => o.reason === reason)
    if (list.length === 0) continue
    const shown = list.slice(0, 10).map((o) => `${o.trainId}~${o.hiddenId}`).join(', ')
    lines.push(`WARNING: ${list.length} training image(s) overlap the hidden test set (${reason === 'same-file' ? 'same file bytes' : 'same prompt'}): ${shown}${list.length > 10 ? ', …' : ''}`)
  }
  return lines
}

/**
 * What a baseline run with these settings would flag (for the organizer console, before it
 * queues the run): the same training data the job would use, checked against the active test set.
 */
export async function checkBaselineOverlaps(competitionId: string, options: { trainDir?: string } = {}): Promise<Overlap[]> {
  const data = await loadBaselineTrainingData(competitionId, options.trainDir)
  try {
    return await baselineOverlaps(competitionId, data.items)
  } finally {
    await data.cleanup()
  }
}
