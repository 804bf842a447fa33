// The demo competition seeded into an empty database by `npm start`: the competition, a small
// hidden test set the project renders itself (coloured shapes, with prompts describing them),
// example images for the data page, and a few demo teams whose submissions are scored through the
// ordinary queue, so the quick start shows a real leaderboard. The test set needs the MiniLM
// model; without it only the competition is created (and the rest on a later start).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { enqueueBaseline } from '../baseline/baseline.ts'
import { db, type Competition, type SubmissionKind } from '../platform/db.ts'
import { findModelDir } from '../platform/embedder-dir.ts'
import { storage } from '../platform/storage.ts'
import { renderDemoScenes, type DemoScene } from './scenes.ts'
import { importTestSet } from '../testsets/import.ts'
import { saveExamples } from '../testsets/examples.ts'
import { seededRandom } from '../../scoring/random.ts'
import { enqueueScoring } from '../submissions/scoring-jobs.ts'
import { submissionKeys } from '../submissions/files.ts'
import { decodeTruth } from '../../scoring/truth-file.ts'
import { longRows } from '../../scoring/embed/format.ts'

export const DEMO_SLUG = 'sd-image-to-prompts-demo'
/** Everything generated for the demo derives from this seed. */
const DEMO_SEED = 20260224
const TEST_IMAGES = 32
const EXAMPLES = 6

export interface SeedOptions {
  log?: (line: string) => void
  now?: Date
}

async function ensureCompetition(now: Date, log: (line: string) => void): Promise<{ competition: Competition; created: boolean } | null> {
  const existing = await db().competition.findUnique({ where: { slug: DEMO_SLUG } })
  if (existing) return { competition: existing, created: false }
  if ((await db().competition.count()) > 0) return null
  const competition = await db().competition.create({
    data: {
      slug: DEMO_SLUG,
      title: 'Stable Diffusion — Image to Prompts (demo)',
      subtitle: 'Predict the sentence embedding of the prompt that generated each image',
      description:
        'Each hidden test image was generated from a text prompt. Predict the 384-dimensional all-MiniLM-L6-v2 embedding of that prompt. Submissions are scored by the mean cosine similarity between predicted and true embeddings.\n\n' +
        'In this demo the "generator" is a tiny renderer of coloured shapes, so the prompts are simple descriptions such as "a large red circle on the left and a small blue star on the right on a plain yellow background". ' +
        'Submit either the long CSV (`imgId_eId,val`, 384 rows per image, see the sample submission) or a prompt-text CSV (`imgId,prompt`) that the platform embeds for you.',
      startAt: new Date(now.getTime() - 7 * 86_400_000),
      deadline: new Date(now.getTime() + 60 * 86_400_000),
      publicFraction: 0.5,
      // Seeded published: the demo is for everyone to try.
      publishedAt: now,
    },
  })
  log(`demo: seeded competition ${DEMO_SLUG}`)
  return { competition, created: true }
}

function promptsCsv(rows: readonly (readonly [string, string])[]): string {
  return `imgId,prompt\n${rows.map(([id, p]) => `${id},"${p.replace(/"/g, '""')}"`).join('\n')}\n`
}

/** The truth plus Gaussian noise (σ per dimension), as a long-format CSV. */
function noisyTruthCsv(truthBytes: Buffer, sigma: number, seed: number): string {
  const truth = decodeTruth(truthBytes)
  const random = seededRandom(seed)
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  const noisy = new Float32Array(truth.vectors.length)
  for (let i = 0; i < noisy.length; i++) noisy[i] = truth.vectors[i] + sigma * gauss()
  let out = 'imgId_eId,val\n'
  truth.ids.forEach((id, i) => (out += longRows(id, noisy, i, truth.dim)))
  return out
}

interface DemoSubmission {
  team: string
  kind: SubmissionKind
  fileName: string
  description: string
  body: string
}

async function seedSubmissions(competition: Competition, scenes: DemoScene[], truthKey: string, sampleKey: string, log: (line: string) => void): Promise<void> {
  const truthBytes = await storage().readBuffer(truthKey)
  const subs: DemoSubmission[] = [
    { team: 'Noisy Neighbours', kind: 'csv', fileName: 'noisy-embeddings.csv', description: 'true embeddings plus Gaussian noise (σ = 0.03)', body: noisyTruthCsv(truthBytes, 0.03, DEMO_SEED + 1) },
    { team: 'Pixel Poets', kind: 'prompts', fileName: 'paraphrased-prompts.csv', description: 'paraphrased descriptions of each image', body: promptsCsv(scenes.map((s) => [s.id, s.paraphrase])) },
    { team: 'Shape Spotters', kind: 'prompts', fileName: 'shape-names.csv', description: 'only the names of the shapes', body: promptsCsv(scenes.map((s) => [s.id, s.shapesOnly])) },
    { team: 'Constant Crew', kind: 'csv', fileName: 'sample_submission.csv', description: 'the sample submission: the same vector for every image', body: (await storage().readBuffer(sampleKey)).toString('utf8') },
  ]
  for (const s of subs) {
    const team = await db().team.create({ data: { competitionId: competition.id, name: s.team, inviteCode: randomBytes(9).toString('base64url') } })
    const key = submissionKeys.file(competition.id, `demo-${team.id}`, s.fileName)
    const { size } = await storage().put(key, Buffer.from(s.body, 'utf8'))
    const sub = await db().submission.create({
      data: { competitionId: competition.id, teamId: team.id, kind: s.kind, fileKey: key, fileName: s.fileName, fileSize: size, description: s.description, status: 'queued' },
    })
    await enqueueScoring(sub)
  }
  log(`demo: queued ${subs.length} example submissions from demo teams for scoring`)
}

/**
 * Seeds the demo competition into a database without competitions, and its test set, examples
 * and demo submissions once the model is available. Returns whether it created anything.
 */
export async function seedDemo(options: SeedOptions = {}): Promise<boolean> {
  const log = options.log ?? (() => {})
  const ensured = await ensureCompetition(options.now ?? new Date(), log)
  if (!ensured) return false
  const { competition } = ensured
  if ((await db().testSetVersion.count({ where: { competitionId: competition.id } })) > 0) return ensured.created
  if (!findModelDir()) {
    log('demo: all-MiniLM-L6-v2 not found, so the demo competition has no test set or leaderboard yet (run `npm run models:prepare`, then restart)')
    return ensured.created
  }

  const scenes = await renderDemoScenes(TEST_IMAGES, DEMO_SEED, 'demo')
  const dir = mkdtempSync(path.join(tmpdir(), 'arena-demo-'))
  try {
    await mkdir(path.join(dir, 'images'))
    for (const s of scenes) writeFileSync(path.join(dir, 'images', `${s.id}.png`), s.png)
    writeFileSync(path.join(dir, 'prompts.csv'), promptsCsv(scenes.map((s) => [s.id, s.prompt])))
    const version = await importTestSet({
      competitionSlug: competition.slug,
      imagesDirOrZip: path.join(dir, 'images'),
      promptsCsv: path.join(dir, 'prompts.csv'),
      publicFraction: competition.publicFraction,
      seed: DEMO_SEED % 1_000_000,
      note: 'generated demo test set: rendered shapes with their descriptions',
      activate: true,
    })
    log(`demo: test set version ${version.version} ready (${version.imageCount} images, ${version.publicCount} public)`)

    const examples = await renderDemoScenes(EXAMPLES, DEMO_SEED + 7, 'example')
    await saveExamples(competition.id, examples.map((e) => ({ imageId: e.id, prompt: e.prompt, fileName: `${e.id}.png`, bytes: e.png })))
    if (version.truthKey && version.sampleKey) await seedSubmissions(competition, scenes, version.truthKey, version.sampleKey, log)
    // The reference baseline: fitted and scored by the workers, shown on the leaderboard as the baseline.
    const baseline = await enqueueBaseline(competition)
    log(`demo: reference baseline queued (job ${baseline.job.id})`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return true
}
