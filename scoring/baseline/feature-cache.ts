/**
 * An optional cache of per-image backbone outputs and class-name embeddings, keyed by content
 * hashes (image bytes + backbone sha256, or the prompt texts), so refitting or benchmarking on
 * the same images does not rerun the backbone. `diskFeatureCache` keeps float32 files in a folder
 * (the repository's gitignored .cache/ during development and benchmarks).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface FeatureCache {
  /** The stored floats for `key` when exactly `length` of them are stored. */
  get(key: string, length: number): Promise<Float32Array | undefined>
  set(key: string, data: Float32Array): Promise<void>
}

export function diskFeatureCache(dir: string): FeatureCache {
  const file = (key: string) => path.join(dir, `${key.replace(/[^A-Za-z0-9_-]/g, '_')}.f32`)
  return {
    async get(key, length) {
      const buf = await readFile(file(key)).catch(() => undefined)
      if (!buf || buf.length !== length * 4) return undefined
      const out = new Float32Array(length)
      new Uint8Array(out.buffer).set(buf)
      return out
    },
    async set(key, data) {
      await mkdir(dir, { recursive: true })
      const tmp = `${file(key)}.${process.pid}.tmp`
      await writeFile(tmp, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      await rename(tmp, file(key))
    },
  }
}
