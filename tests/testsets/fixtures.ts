// Shared pieces of the test-set tests: tiny rendered images, a deterministic fake embedder and
// the real-model gate.
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { it } from 'vitest'
import { findModelDir } from '../../lib/platform/embedder-dir.ts'
import type { Embedder } from '../../scoring/embedder.ts'

/** Writes `id.png` solid-colour images into `dir`. */
export async function writeImages(dir: string, ids: readonly string[], ext = '.png'): Promise<void> {
  mkdirSync(dir, { recursive: true })
  for (const [i, id] of ids.entries()) {
    const img = sharp({ create: { width: 8, height: 8, channels: 3, background: { r: (i * 37) % 256, g: 80, b: 200 } } })
    const bytes = ext === '.jpg' || ext === '.jpeg' ? await img.jpeg().toBuffer() : ext === '.webp' ? await img.webp().toBuffer() : await img.png().toBuffer()
    writeFileSync(path.join(dir, `${id}${ext}`), bytes)
  }
}

export function promptsCsv(rows: readonly [string, string][]): string {
  return `imgId,prompt\n${rows.map(([id, p]) => `${id},"${p.replace(/"/g, '""')}"`).join('\n')}\n`
}

/** A deterministic embedder: unit vectors from the SHA-256 of each text (no model needed). */
export function fakeEmbedder(dim = 384): Embedder {
  return {
    dim,
    provider: 'fake',
    async embed(texts, onProgress) {
      const out = new Float32Array(texts.length * dim)
      texts.forEach((t, i) => {
        let norm = 0
        for (let k = 0; k < dim; k++) {
          const h = createHash('sha256').update(`${k}:${t}`).digest()
          const v = h.readInt32LE(0) / 2 ** 31
          out[i * dim + k] = v
          norm += v * v
        }
        for (let k = 0; k < dim; k++) out[i * dim + k] /= Math.sqrt(norm)
      })
      onProgress?.(texts.length, texts.length)
      return out
    },
    async close() {},
  }
}

/**
 * The prepared all-MiniLM-L6-v2 folder, or null. Under CI a missing model is a failure, not a
 * skip: the score-1.0 checks are the proof that truth building and scoring agree.
 */
export function modelOrSkip(): string | null {
  const dir = findModelDir()
  if (!dir && process.env.CI) throw new Error('all-MiniLM-L6-v2 is not prepared (run `npm run models:prepare`); CI must run the real-model test-set checks')
  return dir
}

export const MODEL_MISSING_REASON = 'skipped: all-MiniLM-L6-v2 not prepared here (npm run models:prepare)'

/** `it` that runs only when the real model is there, naming the reason when it is skipped. */
export function itWithModel(name: string, fn: () => Promise<void>, timeout?: number): void {
  const dir = modelOrSkip()
  if (dir) it(name, fn, timeout)
  else it.skip(`${name} (${MODEL_MISSING_REASON})`, fn)
}
