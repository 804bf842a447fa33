// The reference ensemble baseline of a competition (scoring/baseline): a pretrained EfficientNet-Lite2
// ensemble fitted on the visible data and exported as ONE ONNX model with a participant-format
// manifest, then run on the hidden images by the same model runner as participants' models and
// shown on the leaderboard as the baseline. It is a Submission with isBaseline = true, no team,
// kind 'model', the ONNX as its file and the manifest beside it (submissionKeys.manifestOf), so
// rescoring against a new test-set version reruns it like any model ('run-model' hands baselines
// to scoreBaselineSubmission, which also retires earlier baselines).
//
// Training data, in order: the folder given to `arena baseline run --train DIR`; the training data
// the organizer published for participants; the shared visible data set
// ../shared/data/sd-github-mix when it is there; the competition's example images.
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import Papa from 'papaparse'
import { describeEnsemble } from '../../scoring/baseline/baseline.ts'
import type { CvReport } from '../../scoring/baseline/cv.ts'
import { repoRoot } from '../platform/config.ts'
import { db, type Competition, type Job, type Submission } from '../platform/db.ts'
import { localCopy } from '../platform/storage.ts'
import { enqueueJob } from '../queue/payloads.ts'
import { requireCompetition } from '../competitions/competitions.ts'
import { listExamples } from '../testsets/examples.ts'
import { latestDataSet } from '../datasets/reads.ts'
import { dataSetKeys } from '../datasets/keys.ts'
import { IMAGE_EXTENSIONS, isTestSetInputError, parsePromptsCsv, type PromptRecord } from '../testsets/input.ts'

/** File name of every reference-baseline submission (with teamId null it marks one). */
export const BASELINE_FILE_NAME = 'reference-baseline.onnx'
/** Earlier versions stored a JSON model under this name; such runs are recognised but not rerun. */
export const LEGACY_BASELINE_FILE_NAME = 'reference-baseline.json'
export const BASELINE_FILE_NAMES = [BASELINE_FILE_NAME, LEGACY_BASELINE_FILE_NAME]
export const BASELINE_NAME = 'Reference ensemble baseline'

/** Storage of one baseline run: `baselines/<competition>/<run>/model.onnx`, manifest.json beside it (submissionKeys.manifestOf), cv-report.json. */
export const baselineKeys = {
  model: (competitionId: string, runId: string) => `baselines/${competitionId}/${runId}/model.onnx`,
  report: (modelKey: string) => path.posix.join(path.posix.dirname(modelKey), 'cv-report.json'),
}

/** A reference-baseline submission, current or retired (a retired one has isBaseline = false). */
export function isReferenceBaseline(s: Pick<Submission, 'teamId' | 'fileName' | 'fileKey'>): boolean {
  return s.teamId === null && BASELINE_FILE_NAMES.includes(s.fileName) && s.fileKey.startsWith('baselines/')
}


/** The shared visible data set next to the repository, when it is there. */
export function defaultTrainDir(root: string = repoRoot): string | null {
  const dir = path.resolve(root, '..', 'shared', 'data', 'sd-github-mix')
  return existsSync(path.join(dir, 'prompts.csv')) ? dir : null
}

export interface TrainImage {
  id: string
  imagePath: string
  prompt: string
  /** Images sharing a prompt share a CV group (metadata.csv promptGroup, else the prompt). */
  group?: string
}

export class TrainDataError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TrainDataError'
  }
}

/** metadata.csv (imgId,file,promptGroup): an ordinary CSV with a header. */
function readMetadataCsv(text: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' }).data
}

/**
 * Reads a visible-data folder: `prompts.csv` (imgId,prompt,…), the images under `images/` (or
 * the folder itself) named `<imgId>.<ext>`, and optionally `metadata.csv` (imgId,file,promptGroup)
 * as in sd-github-mix (see its PROVENANCE.md).
 */
export async function readTrainDir(dir: string): Promise<TrainImage[]> {
  const promptsPath = path.join(dir, 'prompts.csv')
  if (!existsSync(promptsPath)) throw new TrainDataError(`${dir} has no prompts.csv (imgId,prompt)`)
  let prompts: PromptRecord[]
  try {
    prompts = parsePromptsCsv(await readFile(promptsPath, 'utf8'), promptsPath)
  } catch (err) {
    if (isTestSetInputError(err)) throw new TrainDataError(err.message)
    throw err
  }
  const meta = new Map<string, Record<string, string>>()
  const metaPath = path.join(dir, 'metadata.csv')
  if (existsSync(metaPath)) for (const r of readMetadataCsv(await readFile(metaPath, 'utf8'))) if (r.imgId) meta.set(r.imgId, r)
  const out: TrainImage[] = []
  for (const { id, prompt } of prompts) {
    const m = meta.get(id)
    const candidates = [
      ...(m?.file ? [path.join(dir, m.file)] : []),
      ...IMAGE_EXTENSIONS.flatMap((e) => [path.join(dir, 'images', `${id}${e}`), path.join(dir, `${id}${e}`)]),
    ]
    const imagePath = candidates.find((p) => existsSync(p))
    if (!imagePath) throw new TrainDataError(`${dir}: no image for '${id}' (looked for images/${id}.png|jpg|jpeg|webp)`)
    out.push({ id, imagePath, prompt, ...(m?.promptGroup ? { group: m.promptGroup } : {}) })
  }
  return out
}

/** The competition's example images (the data page's), as training data; paths are storage keys. */
export async function exampleTrainImages(competitionId: string): Promise<(TrainImage & { fileKey: string })[]> {
  const examples = await listExamples(competitionId)
  return examples.map((e) => ({ id: e.imageId, imagePath: e.fileKey, fileKey: e.fileKey, prompt: e.prompt }))
}

export interface BaselineTrainingData {
  items: TrainImage[]
  /** Where the images came from, for the description ('sd-github-mix', …). */
  source: string
  /** Removes temporary copies (example images from storage). */
  cleanup: () => Promise<void>
}

/**
 * The visible data a baseline run trains on: `trainDir` when given, else the training data the
 * organizer published for participants (lib/datasets, its latest version), else the shared
 * sd-github-mix, else the competition's example images (copied out of storage). Throws
 * TrainDataError when a folder is unusable.
 */
export async function loadBaselineTrainingData(competitionId: string, trainDir?: string): Promise<BaselineTrainingData> {
  if (trainDir) return { items: await readTrainDir(trainDir), source: 'the given training folder', cleanup: async () => {} }
  const published = await publishedTrainingData(competitionId)
  if (published) return published
  const dir = defaultTrainDir()
  if (dir) return { items: await readTrainDir(dir), source: 'sd-github-mix', cleanup: async () => {} }
  const examples = await exampleTrainImages(competitionId)
  const copies = await Promise.all(examples.map((e) => localCopy(e.fileKey)))
  return {
    items: examples.map((e, i) => ({ id: e.id, prompt: e.prompt, imagePath: copies[i].path })),
    source: 'the competition\'s example images',
    cleanup: async () => {
      await Promise.all(copies.map((c) => c.cleanup()))
    },
  }
}

/** The competition's latest training data set, as its participants download it; null when none. */
async function publishedTrainingData(competitionId: string): Promise<BaselineTrainingData | null> {
  const version = await latestDataSet(competitionId)
  if (!version) return null
  const images = await db().dataSetImage.findMany({ where: { dataSetId: version.id }, orderBy: { imageId: 'asc' }, select: { imageId: true, fileName: true, prompt: true } })
  if (images.length < 2) return null
  const copies = await Promise.all(images.map((i) => localCopy(`${dataSetKeys.images(version.id)}${i.fileName}`)))
  return {
    items: images.map((img, i) => ({ id: img.imageId, prompt: img.prompt, imagePath: copies[i].path })),
    source: `the competition's training data v${version.version}`,
    cleanup: async () => {
      await Promise.all(copies.map((c) => c.cleanup()))
    },
  }
}

/** One line for the leaderboard and the submission: members, weights, CV scores, data, provider. */
export function describeBaseline(report: CvReport, trainImages: number, source: string): string {
  return `${BASELINE_NAME}: ${describeEnsemble(report, trainImages)} (${source})`
}

export interface QueuedBaseline {
  submission: Submission
  job: Job
}

/**
 * Queues a baseline run: a new baseline submission (queued) and its 'run-baseline' job. The
 * previous baseline stays on the leaderboard until the new one is scored, then retires.
 */
export async function enqueueBaseline(competition: Pick<Competition, 'id'>, options: { trainDir?: string } = {}): Promise<QueuedBaseline> {
  const trainDir = options.trainDir ? path.resolve(options.trainDir) : undefined
  if (trainDir && !existsSync(path.join(trainDir, 'prompts.csv'))) throw new TrainDataError(`${trainDir} has no prompts.csv (imgId,prompt)`)
  const submission = await db().submission.create({
    data: {
      competitionId: competition.id,
      teamId: null,
      userId: null,
      kind: 'model',
      isBaseline: true,
      fileKey: baselineKeys.model(competition.id, randomUUID()),
      fileName: BASELINE_FILE_NAME,
      fileSize: 0,
      description: `${BASELINE_NAME} (fitting)`,
      status: 'queued',
      provider: 'cpu',
    },
  })
  const job = await enqueueJob('run-baseline', { submissionId: submission.id, ...(trainDir ? { trainDir } : {}) }, { submissionId: submission.id, competitionId: competition.id, maxAttempts: 2 })
  return { submission, job }
}

export async function enqueueBaselineBySlug(slug: string, options: { trainDir?: string } = {}): Promise<QueuedBaseline> {
  return enqueueBaseline(await requireCompetition(slug), options)
}

/** The organizer console's view of the reference baseline: its latest run and the current one. */
export interface BaselineStatus {
  latest: Pick<Submission, 'id' | 'status' | 'progress' | 'error' | 'description' | 'provider' | 'publicScore' | 'privateScore' | 'createdAt' | 'scoredAt'> | null
  /** The run shown on the leaderboard (isBaseline), when it is not the latest one. */
  current: Pick<Submission, 'id' | 'publicScore' | 'description'> | null
}

export async function baselineStatus(competitionId: string): Promise<BaselineStatus> {
  const select = { id: true, status: true, progress: true, error: true, description: true, provider: true, publicScore: true, privateScore: true, createdAt: true, scoredAt: true, isBaseline: true } as const
  const runs = await db().submission.findMany({ where: { competitionId, teamId: null, fileName: { in: BASELINE_FILE_NAMES } }, orderBy: { createdAt: 'desc' }, take: 20, select })
  const current = runs.find((r) => r.isBaseline && r.status === 'scored') ?? null
  const latest = runs[0] ?? null
  return { latest, current: current && current.id !== latest?.id ? current : null }
}
