// Example images with their prompts for a competition's data page (not part of any test set).
import sharp from 'sharp'
import { storage } from '../platform/storage.ts'
import { exampleKeys } from './keys.ts'

export interface ExampleImage {
  imageId: string
  prompt: string
  /** File name under the examples folder, e.g. 'ex-01.png'. */
  fileName: string
  fileKey: string
  width: number
  height: number
}


function isExample(v: unknown): v is ExampleImage {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o.imageId === 'string' && typeof o.prompt === 'string' && typeof o.fileName === 'string' && typeof o.fileKey === 'string' && typeof o.width === 'number' && typeof o.height === 'number'
}

/** Example images with their prompts, for the competition's data page; [] when there are none. */
export async function listExamples(competitionId: string): Promise<ExampleImage[]> {
  const key = exampleKeys.manifest(competitionId)
  if (!(await storage().exists(key))) return []
  const parsed: unknown = JSON.parse((await storage().readBuffer(key)).toString('utf8'))
  const list = typeof parsed === 'object' && parsed !== null && 'examples' in parsed ? parsed.examples : undefined
  return Array.isArray(list) ? list.filter(isExample) : []
}

/** Stores example images and their manifest (replacing any earlier ones). */
export async function saveExamples(competitionId: string, examples: readonly { imageId: string; prompt: string; fileName: string; bytes: Uint8Array }[]): Promise<ExampleImage[]> {
  await storage().deletePrefix(exampleKeys.prefix(competitionId))
  const out: ExampleImage[] = []
  for (const e of examples) {
    const key = exampleKeys.file(competitionId, e.fileName)
    await storage().put(key, e.bytes)
    const meta = await sharp(e.bytes).metadata()
    out.push({ imageId: e.imageId, prompt: e.prompt, fileName: e.fileName, fileKey: key, width: meta.width ?? 0, height: meta.height ?? 0 })
  }
  await storage().put(exampleKeys.manifest(competitionId), Buffer.from(JSON.stringify({ examples: out }, null, 2)))
  return out
}

