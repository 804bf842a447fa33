/**
 * Decodes images with sharp and turns them into the float tensor a submitted model expects,
 * following its manifest (resize mode, pixel range, mean/std, channel order, layout).
 */
import sharp from 'sharp'
import type { ModelManifest } from './manifest.ts'

export type PreprocessResult = { ok: true; data: Float32Array } | { ok: false; message: string }

/** Decodes one image to `height×width×3` RGB bytes following the manifest's resize mode. */
export async function decodeRgb(path: string, manifest: Pick<ModelManifest, 'width' | 'height' | 'resize'>): Promise<Buffer> {
  const fit = manifest.resize === 'center-crop' ? 'cover' : manifest.resize === 'resize' ? 'fill' : 'contain'
  return sharp(path, { limitInputPixels: 100_000_000, failOn: 'error' })
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .resize({ width: manifest.width, height: manifest.height, fit, position: 'centre', background: { r: 0, g: 0, b: 0 }, kernel: 'cubic' })
    .raw()
    .toBuffer()
}

/**
 * Writes the normalised pixels of one decoded image into `out` at image slot `index`
 * (pure: no I/O; `rgb` is HWC RGB bytes of the manifest's size).
 */
export function writePixels(rgb: Uint8Array, manifest: ModelManifest, out: Float32Array, index: number): void {
  const { width: w, height: h, layout } = manifest
  const plane = w * h
  const base = index * plane * 3
  const scale = manifest.pixelRange === '0-1' ? 1 / 255 : 1
  const src = manifest.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0]
  for (let c = 0; c < 3; c++) {
    const s = src[c]
    const m = manifest.mean[c]
    const inv = 1 / manifest.std[c]
    for (let p = 0; p < plane; p++) {
      const v = (rgb[p * 3 + s] * scale - m) * inv
      if (layout === 'NCHW') out[base + c * plane + p] = v
      else out[base + p * 3 + c] = v
    }
  }
}

/** Decodes and preprocesses a batch of images into one `[n, ...]` float tensor buffer. */
export async function preprocessBatch(images: readonly { id: string; path: string }[], manifest: ModelManifest): Promise<PreprocessResult> {
  const out = new Float32Array(images.length * manifest.width * manifest.height * 3)
  for (let i = 0; i < images.length; i++) {
    let rgb: Buffer
    try {
      rgb = await decodeRgb(images[i].path, manifest)
    } catch (err) {
      // Name the image by id: server paths are not shown to teams.
      return { ok: false, message: `Image '${images[i].id}' cannot be decoded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` }
    }
    writePixels(rgb, manifest, out, i)
  }
  return { ok: true, data: out }
}

/** Tensor dims for a batch of `n` images. */
export function batchDims(manifest: ModelManifest, n: number): number[] {
  return manifest.layout === 'NCHW' ? [n, 3, manifest.height, manifest.width] : [n, manifest.height, manifest.width, 3]
}
