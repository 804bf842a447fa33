/**
 * A cheap, deterministic image descriptor for the kNN member when no pretrained image encoder
 * is available offline, three L2-normalised parts concatenated:
 * - colour layout: 8×8 RGB thumbnail, per-channel mean removed (weight ½);
 * - colour distribution: 4×4×4 RGB histogram of a 32×32 thumbnail, square-rooted (weight ½);
 * - edges/texture: HOG-like gradient-orientation histogram, 8 orientations in 4×4 cells of a
 *   32×32 greyscale thumbnail, square-rooted (weight √½).
 * (Weights from a 3-seed grouped CV on sd-github-mix: adding the gradient part raised the kNN
 * from 0.457 to 0.468 mean cosine.) Cosine similarity of two descriptors is a "looks alike"
 * score, nothing semantic: an honest floor for what a real image encoder would add.
 */
import sharp from 'sharp'

export const FEATURE_NAME = 'thumb8-rgb+hist4x4x4+hog4x4x8@2'
export const THUMB = 8
export const HIST_BINS = 4
export const SMALL = 32
export const HOG_CELLS = 4
export const HOG_BINS = 8
const LAYOUT_DIM = THUMB * THUMB * 3
const HIST_DIM = HIST_BINS ** 3
export const FEATURE_DIM = LAYOUT_DIM + HIST_DIM + HOG_CELLS * HOG_CELLS * HOG_BINS

function normalizeRange(v: Float32Array, start: number, end: number, scale = 1): void {
  let ss = 0
  for (let i = start; i < end; i++) ss += v[i] * v[i]
  const inv = ss > 0 ? scale / Math.sqrt(ss) : 0
  for (let i = start; i < end; i++) v[i] *= inv
}

/** Adds the gradient-orientation histogram of a SMALL×SMALL greyscale image at `f[offset..]`. */
function gradientHistogram(grey: Uint8Array, f: Float32Array, offset: number): void {
  const cell = SMALL / HOG_CELLS
  for (let y = 1; y < SMALL - 1; y++) {
    for (let x = 1; x < SMALL - 1; x++) {
      const dx = grey[y * SMALL + x + 1] - grey[y * SMALL + x - 1]
      const dy = grey[(y + 1) * SMALL + x] - grey[(y - 1) * SMALL + x]
      let angle = Math.atan2(dy, dx)
      if (angle < 0) angle += Math.PI
      const bin = Math.min(HOG_BINS - 1, Math.floor((angle / Math.PI) * HOG_BINS))
      f[offset + (Math.floor(y / cell) * HOG_CELLS + Math.floor(x / cell)) * HOG_BINS + bin] += Math.hypot(dx, dy)
    }
  }
}

/**
 * Descriptor from decoded pixels (pure): `thumb` is 8×8 RGB bytes, `small` any RGB bytes for the
 * colour histogram, `grey` SMALL×SMALL greyscale bytes for the gradient histogram.
 */
export function featuresFromPixels(thumb: Uint8Array, small: Uint8Array, grey: Uint8Array): Float32Array {
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
  const g0 = h0 + HIST_DIM
  gradientHistogram(grey, f, g0)
  for (let i = h0; i < FEATURE_DIM; i++) f[i] = Math.sqrt(f[i])
  normalizeRange(f, 0, h0, 0.5)
  normalizeRange(f, h0, g0, 0.5)
  normalizeRange(f, g0, FEATURE_DIM, Math.SQRT1_2)
  normalizeRange(f, 0, FEATURE_DIM)
  return f
}

async function pixels(path: string, side: number, grey: boolean): Promise<Buffer> {
  const img = sharp(path, { limitInputPixels: 100_000_000 }).rotate().toColourspace('srgb').removeAlpha()
  return (grey ? img.greyscale() : img).resize({ width: side, height: side, fit: 'cover', position: 'centre', kernel: 'cubic' }).raw().toBuffer()
}

/** Decodes one image and returns its FEATURE_DIM descriptor (L2-normalised). */
export async function imageFeatures(path: string): Promise<Float32Array> {
  const [thumb, small, grey] = await Promise.all([pixels(path, THUMB, false), pixels(path, SMALL, false), pixels(path, SMALL, true)])
  return featuresFromPixels(thumb, small, grey)
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
