/**
 * A cheap, deterministic image descriptor for the kNN member when no pretrained image encoder
 * is available offline: a colour-layout part (8×8 RGB thumbnail, per-channel mean removed) and a
 * colour-distribution part (4×4×4 RGB histogram of a 32×32 thumbnail, square-rooted), each
 * L2-normalised, concatenated and normalised again. Cosine similarity of two descriptors is a
 * "looks alike" score, nothing semantic: an honest floor for what a real encoder would add.
 */
import sharp from 'sharp'

export const FEATURE_NAME = 'thumb8-rgb+hist4x4x4@1'
export const THUMB = 8
export const HIST_BINS = 4
export const FEATURE_DIM = THUMB * THUMB * 3 + HIST_BINS ** 3

function normalizeRange(v: Float32Array, start: number, end: number, scale = 1): void {
  let ss = 0
  for (let i = start; i < end; i++) ss += v[i] * v[i]
  const inv = ss > 0 ? scale / Math.sqrt(ss) : 0
  for (let i = start; i < end; i++) v[i] *= inv
}

/** Descriptor from decoded pixels (pure): `thumb` is 8×8 RGB bytes, `small` is any RGB bytes for the histogram. */
export function featuresFromPixels(thumb: Uint8Array, small: Uint8Array): Float32Array {
  const f = new Float32Array(FEATURE_DIM)
  const n = THUMB * THUMB
  const mean = [0, 0, 0]
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) mean[c] += thumb[p * 3 + c] / 255 / n
  for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) f[p * 3 + c] = thumb[p * 3 + c] / 255 - mean[c]
  const h0 = n * 3
  const shift = 8 - Math.log2(HIST_BINS)
  for (let p = 0; p < small.length; p += 3) {
    const bin = ((small[p] >> shift) * HIST_BINS + (small[p + 1] >> shift)) * HIST_BINS + (small[p + 2] >> shift)
    f[h0 + bin] += 1
  }
  for (let i = h0; i < FEATURE_DIM; i++) f[i] = Math.sqrt(f[i])
  normalizeRange(f, 0, h0, Math.SQRT1_2)
  normalizeRange(f, h0, FEATURE_DIM, Math.SQRT1_2)
  normalizeRange(f, 0, FEATURE_DIM)
  return f
}

async function rgb(path: string, side: number): Promise<Buffer> {
  return sharp(path, { limitInputPixels: 100_000_000 })
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .resize({ width: side, height: side, fit: 'cover', position: 'centre', kernel: 'cubic' })
    .raw()
    .toBuffer()
}

/** Decodes one image and returns its FEATURE_DIM descriptor (L2-normalised). */
export async function imageFeatures(path: string): Promise<Float32Array> {
  const [thumb, small] = await Promise.all([rgb(path, THUMB), rgb(path, 32)])
  return featuresFromPixels(thumb, small)
}

/** Descriptors for many images, row-major `paths.length × FEATURE_DIM`. */
export async function imageFeatureMatrix(paths: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
  const out = new Float32Array(paths.length * FEATURE_DIM)
  for (let i = 0; i < paths.length; i++) {
    out.set(await imageFeatures(paths[i]), i * FEATURE_DIM)
    onProgress?.(i + 1, paths.length)
  }
  return out
}
