// Shared pieces of the model-submission tests: hidden test images in storage, multipart uploads.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { POST as uploadModel } from '../../app/api/competitions/[slug]/model-submissions/route.ts'
import { params, seedCompetition, type SeededCompetition, type TestApp } from '../helpers/app.ts'
import { IMAGE_SIZE } from '../model/onnx-builder.ts'
import type { TestUser } from '../api/users.ts'

export const SAMPLE_DIR = path.resolve(import.meta.dirname, '../../../shared/data/kaggle-sample/images')
export const haveSampleImages = existsSync(SAMPLE_DIR)

/** The Kaggle sample's PNGs, sorted (7 images). */
export function sampleImages(): string[] {
  return readdirSync(SAMPLE_DIR)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => path.join(SAMPLE_DIR, f))
}

/**
 * A competition whose active test set has one hidden image per sample PNG (random truth, as in
 * seedCompetition), the image files stored under the TestImage keys.
 */
export async function seedImageCompetition(app: TestApp, options: { dailySubmissionLimit?: number } = {}): Promise<SeededCompetition> {
  const files = sampleImages()
  const c = await seedCompetition(app, { images: files.length, publicCount: 3, dailySubmissionLimit: options.dailySubmissionLimit ?? 50 })
  const rows = await app.db.testImage.findMany({ where: { testSetId: c.testSetId }, orderBy: { position: 'asc' } })
  for (let i = 0; i < rows.length; i++) await app.storage.put(rows[i].fileKey, readFileSync(files[i]))
  return c
}

export const MANIFEST = {
  inputName: 'image',
  outputName: 'emb',
  imageSize: IMAGE_SIZE,
  resize: 'center-crop',
  mean: [0.48, 0.46, 0.41],
  std: [0.27, 0.26, 0.28],
}

export interface UploadResponse {
  status: number
  body: { submission?: { id: string; kind: string; status: string }; error?: { code: string; message: string; submissionId?: string } }
}

/** POST /api/competitions/:slug/model-submissions as a multipart form. */
export async function submitModel(app: TestApp, user: TestUser, slug: string, model: Uint8Array, manifest: unknown = MANIFEST, description = 'a model'): Promise<UploadResponse> {
  const form = new FormData()
  form.set('description', description)
  form.set('manifest', typeof manifest === 'string' ? manifest : JSON.stringify(manifest))
  form.set('model', new Blob([Buffer.from(model)]), 'model.onnx')
  const res = await uploadModel(app.request(`/api/competitions/${slug}/model-submissions`, { method: 'POST', token: user.token, body: form }), params({ slug }))
  return { status: res.status, body: (await res.json()) as UploadResponse['body'] }
}
