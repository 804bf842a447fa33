// The input side of a hidden test set: the organizer's prompts CSV (`imgId,prompt`), the image
// files (a folder or a zip), matching the two, and the seeded public/private split. Everything
// here is free of the database; lib/testsets.ts drives it.
import { CsvTokenizer } from '../../scoring/csv-records.ts'
import { recordFields, stripBom } from '../../scoring/header.ts'
import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { Unzip, UnzipInflate, UnzipPassThrough, type UnzipFile } from 'fflate'
import type { Storage } from '../platform/storage.ts'
import { seededRandom } from '../../scoring/random.ts'

/** A problem with the organizer's files; its message names the offending file, line or id. */
export class TestSetInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TestSetInputError'
  }
}

export function isTestSetInputError(err: unknown): err is TestSetInputError {
  return err instanceof TestSetInputError || (err instanceof Error && err.name === 'TestSetInputError')
}

export const IMAGE_ID_PATTERN = /^[A-Za-z0-9_-]+$/
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const
/** How many offenders an error message lists before "… and N more". */
const MAX_LISTED = 10
/** A single image larger than this inside a zip is refused (guards against zip bombs). */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024

function listed(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED)
  const more = items.length > shown.length ? `, … and ${items.length - shown.length} more` : ''
  return `${shown.join(', ')}${more}`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

// ---------------------------------------------------------------------------------------------
// prompts CSV

export interface PromptRecord {
  id: string
  prompt: string
  /** 1-based line where the record starts. */
  line: number
}

interface RawRecord {
  fields: string[]
  line: number
}

/**
 * The file's records with the line each starts on, read by the scoring core's RFC 4180 tokenizer
 * (scoring/csv-records.ts: quoted fields may span lines, empty lines are skipped), the same rules
 * as every other CSV the platform reads.
 */
function csvRecords(text: string, name: string): RawRecord[] {
  const out: RawRecord[] = []
  const tokenizer = new CsvTokenizer((r) => {
    out.push({ fields: recordFields(r), line: r.line })
    return true
  }, 1, 64 * 1024 * 1024)
  tokenizer.feed(stripBom(new TextEncoder().encode(text)))
  tokenizer.finish()
  if (tokenizer.error) throw new TestSetInputError(`${name}: ${tokenizer.error.message.replace(/^Line /, 'line ')}`)
  return out
}

/**
 * Parses the organizer's prompts file: header `imgId,prompt` (other columns ignored), one row per
 * image. Throws TestSetInputError listing the first problems with their line numbers.
 */
export function parsePromptsCsv(text: string, name = 'prompts.csv'): PromptRecord[] {
  const records = csvRecords(text, name)
  if (records.length === 0) throw new TestSetInputError(`${name}: the file is empty (expected a header line 'imgId,prompt')`)
  const header = records[0].fields.map((h) => h.trim())
  const idCol = header.indexOf('imgId')
  const promptCol = header.indexOf('prompt')
  if (idCol < 0 || promptCol < 0) {
    throw new TestSetInputError(`${name}: line ${records[0].line}: the header must name the columns imgId and prompt, found '${header.join(',')}'`)
  }
  const problems: string[] = []
  const seen = new Map<string, number>()
  const out: PromptRecord[] = []
  for (const { fields, line } of records.slice(1)) {
    if (fields.length !== header.length) {
      problems.push(`line ${line}: expected ${header.length} fields, found ${fields.length}`)
      continue
    }
    const id = fields[idCol].trim()
    const prompt = fields[promptCol]
    if (id === '') problems.push(`line ${line}: empty imgId`)
    else if (!IMAGE_ID_PATTERN.test(id)) problems.push(`line ${line}: imgId '${id}' may only contain letters, digits, '_' and '-'`)
    else if (seen.has(id)) problems.push(`line ${line}: duplicate imgId '${id}' (first on line ${seen.get(id)})`)
    else if (prompt.trim() === '') problems.push(`line ${line}: empty prompt for '${id}'`)
    else {
      seen.set(id, line)
      out.push({ id, prompt, line })
    }
  }
  if (problems.length > 0) {
    throw new TestSetInputError(`${name}: ${plural(problems.length, 'bad line')}: ${listed(problems)}`)
  }
  if (out.length === 0) throw new TestSetInputError(`${name}: no prompts after the header line`)
  return out
}

// ---------------------------------------------------------------------------------------------
// image files

/** The image id of a file name (its name without the extension), or null when it is no image. */
export function imageIdOf(fileName: string): { id: string; ext: string } | null {
  const ext = path.extname(fileName).toLowerCase()
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return null
  return { id: fileName.slice(0, fileName.length - ext.length), ext }
}

/** Files a folder or zip may hold besides the images without it being an error. */
function ignorable(entryPath: string): boolean {
  const parts = entryPath.split('/')
  const base = parts[parts.length - 1]
  return base === '' || base.startsWith('.') || parts.includes('__MACOSX') || base === 'Thumbs.db' || base.toLowerCase().endsWith('.csv')
}

export interface ImageFile {
  id: string
  /** The file's base name, e.g. '20057f34d.png'. */
  fileName: string
}

/** Image ids of the staged file names; throws listing unsupported files, bad and duplicate ids. */
export function imageFilesOf(fileNames: readonly string[]): ImageFile[] {
  const unsupported: string[] = []
  const badIds: string[] = []
  const duplicates: string[] = []
  const byId = new Map<string, string>()
  for (const fileName of fileNames) {
    const parsed = imageIdOf(fileName)
    if (!parsed) unsupported.push(`'${fileName}'`)
    else if (!IMAGE_ID_PATTERN.test(parsed.id)) badIds.push(`'${fileName}'`)
    else if (byId.has(parsed.id)) duplicates.push(`'${byId.get(parsed.id)}' and '${fileName}'`)
    else byId.set(parsed.id, fileName)
  }
  const problems: string[] = []
  if (unsupported.length > 0) problems.push(`${plural(unsupported.length, 'file')} of an unsupported type (images must be .png, .jpg, .jpeg or .webp): ${listed(unsupported)}`)
  if (badIds.length > 0) problems.push(`${plural(badIds.length, 'image')} with an invalid id (file names may only contain letters, digits, '_' and '-' before the extension): ${listed(badIds)}`)
  if (duplicates.length > 0) problems.push(`${plural(duplicates.length, 'image id')} used twice: ${listed(duplicates)}`)
  if (problems.length > 0) throw new TestSetInputError(problems.join('; '))
  if (byId.size === 0) throw new TestSetInputError('no images found (expected .png, .jpg, .jpeg or .webp files)')
  return [...byId.entries()].map(([id, fileName]) => ({ id, fileName }))
}

export interface MatchedImage {
  id: string
  fileName: string
  prompt: string
}

/**
 * Pairs every image with its prompt, sorted by id (the order of the truth file and the sample
 * submission). Throws listing the first images without a prompt and prompts without an image.
 */
export function matchImagesToPrompts(images: readonly ImageFile[], prompts: readonly PromptRecord[]): MatchedImage[] {
  const promptById = new Map(prompts.map((p) => [p.id, p]))
  const imageIds = new Set(images.map((i) => i.id))
  const noPrompt = images.filter((i) => !promptById.has(i.id)).map((i) => `'${i.fileName}'`)
  const noImage = prompts.filter((p) => !imageIds.has(p.id)).map((p) => `'${p.id}' (line ${p.line})`)
  const problems: string[] = []
  if (noPrompt.length > 0) problems.push(`${plural(noPrompt.length, 'image')} without a prompt: ${listed(noPrompt)}`)
  if (noImage.length > 0) problems.push(`${plural(noImage.length, 'prompt')} without an image: ${listed(noImage)}`)
  if (problems.length > 0) throw new TestSetInputError(`every image needs exactly one prompt and every prompt one image; ${problems.join('; ')}`)
  return images
    .map((i) => ({ id: i.id, fileName: i.fileName, prompt: promptById.get(i.id)?.prompt ?? '' }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

// ---------------------------------------------------------------------------------------------
// staging the images into storage

export interface StageOptions {
  /** Called after each stored image with the count so far. */
  onFile?: (count: number) => void
}

/** Copies the images of a local folder (top level only) to `<prefix><file>`; returns the names. */
export async function stageImagesFromDir(dir: string, store: Storage, prefix: string, options: StageOptions = {}): Promise<string[]> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (err) {
    throw new TestSetInputError(`cannot read the image folder ${dir}: ${err instanceof Error ? err.message : String(err)}`)
  }
  const names = entries.filter((e) => e.isFile() && !ignorable(e.name)).map((e) => e.name).sort()
  imageFilesOf(names) // fail before copying anything
  for (let i = 0; i < names.length; i++) {
    await store.put(`${prefix}${names[i]}`, createReadStream(path.join(dir, names[i])))
    options.onFile?.(i + 1)
  }
  return names
}

/**
 * Extracts a zip of images into `<prefix><base name>` while it streams in: entries are written one
 * by one, so the archive is never held in memory whole. Folders inside the zip are flattened.
 */
export async function stageImagesFromZip(source: AsyncIterable<Uint8Array>, store: Storage, prefix: string, options: StageOptions = {}): Promise<string[]> {
  const ready: { name: string; chunks: Uint8Array[] }[] = []
  const names: string[] = []
  const seen = new Set<string>()
  let failure: Error | undefined
  const unzip = new Unzip()
  unzip.register(UnzipInflate)
  unzip.register(UnzipPassThrough)
  unzip.onfile = (file: UnzipFile) => {
    if (failure || ignorable(file.name)) return
    const base = file.name.split('/').pop() ?? file.name
    if (seen.has(base)) {
      failure = new TestSetInputError(`the zip holds two files named '${base}' (image ids must be unique)`)
      return
    }
    seen.add(base)
    const chunks: Uint8Array[] = []
    let size = 0
    file.ondata = (err, data, final) => {
      if (failure) return
      if (err) {
        failure = new TestSetInputError(`cannot extract '${file.name}' from the zip: ${err.message}`)
        return
      }
      size += data.length
      if (size > MAX_IMAGE_BYTES) {
        failure = new TestSetInputError(`'${file.name}' in the zip is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`)
        return
      }
      chunks.push(data)
      if (final) ready.push({ name: base, chunks })
    }
    try {
      file.start()
    } catch (err) {
      failure = new TestSetInputError(`cannot extract '${file.name}' from the zip: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  const flush = async (): Promise<void> => {
    if (failure) throw failure
    while (ready.length > 0) {
      const next = ready.shift()
      if (!next) break
      if (!imageIdOf(next.name)) {
        throw new TestSetInputError(`the zip holds '${next.name}', which is not an image (images must be .png, .jpg, .jpeg or .webp)`)
      }
      await store.put(`${prefix}${next.name}`, Buffer.concat(next.chunks))
      names.push(next.name)
      options.onFile?.(names.length)
    }
  }
  let bytes = 0
  try {
    for await (const chunk of source) {
      bytes += chunk.length
      unzip.push(chunk, false)
      await flush()
    }
    unzip.push(new Uint8Array(0), true)
    await flush()
  } catch (err) {
    if (err instanceof TestSetInputError) throw err
    throw new TestSetInputError(`the images upload is not a valid zip: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (bytes === 0) throw new TestSetInputError('the images zip is empty')
  return names.sort()
}

// ---------------------------------------------------------------------------------------------
// public/private split


/** Exactly round(n·fraction) public images, chosen by a Fisher–Yates shuffle seeded with `seed`. */
export function assignPublic(ids: readonly string[], fraction: number, seed: number): Set<string> {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`public fraction must lie in [0, 1], got ${fraction}`)
  const order = ids.map((_, i) => i)
  const random = seededRandom(seed)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  const count = Math.round(ids.length * fraction)
  return new Set(order.slice(0, count).map((i) => ids[i]))
}

/** Seeds are stored in a 32-bit integer column. */
export const MAX_SEED = 2 ** 31 - 1

export function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SEED)
}
