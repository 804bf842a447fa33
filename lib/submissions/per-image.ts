// The per-image scores of a scored submission on a test-set version, in two forms written together
// by one writer (writePerImageScores, called by the scoring jobs): the CSV `imageId,public,score`
// for every image (read by the API and pages, which decide what a viewer may see of it), and a
// compact binary vector (read by the leaderboard statistics, which need 2,000 of them per build).
import type { Truth } from '../../scoring/truth.ts'
import { storage } from '../platform/storage.ts'

export interface PerImageScore {
  imageId: string
  public: boolean
  score: number
}

/** Where the per-image scores of a submission on a test-set version are stored. */
export function perImageKey(submissionId: string, testSetId: string): string {
  return `scores/${submissionId}/${testSetId}.csv`
}

export function perImageCsv(truth: Truth, perImage: Float64Array): string {
  const lines = ['imageId,public,score']
  for (let i = 0; i < truth.ids.length; i++) lines.push(`${truth.ids[i]},${truth.isPublic[i] ? 1 : 0},${perImage[i]}`)
  return `${lines.join('\n')}\n`
}

export function parsePerImageCsv(text: string): PerImageScore[] {
  const rows: PerImageScore[] = []
  for (const line of text.split('\n').slice(1)) {
    if (line === '') continue
    const [imageId, isPublic, score] = line.split(',')
    rows.push({ imageId, public: isPublic === '1', score: Number(score) })
  }
  return rows
}

export async function readPerImageScores(key: string): Promise<PerImageScore[]> {
  return parsePerImageCsv((await storage().readBuffer(key)).toString('utf8'))
}

/**
 * The binary form: magic "APS1", image count (uint32 LE), then one float32 LE score per image in
 * the test set's image order (the truth file's, = TestImage.position). 16,000 images: 64 KB, read
 * as one buffer and viewed in place, where parsing the 600 KB CSV costs ~40× more per submission.
 */
export function perImageVectorKey(submissionId: string, testSetId: string): string {
  return `scores/${submissionId}/${testSetId}.f32`
}

const MAGIC = 0x31535041 // "APS1" read as uint32 LE
const HEADER = 8

export function encodePerImageVector(perImage: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(HEADER + perImage.length * 4)
  out.writeUInt32LE(MAGIC, 0)
  out.writeUInt32LE(perImage.length, 4)
  for (let i = 0; i < perImage.length; i++) out.writeFloatLE(perImage[i], HEADER + i * 4)
  return out
}

/** The scores of an encoded vector; null when the bytes are not one (wrong magic or length). */
export function decodePerImageVector(bytes: Buffer): Float32Array | null {
  if (bytes.length < HEADER || bytes.readUInt32LE(0) !== MAGIC) return null
  const count = bytes.readUInt32LE(4)
  if (bytes.length !== HEADER + count * 4) return null
  const out = new Float32Array(count)
  // Copy out of the (possibly pooled, unaligned) buffer; little-endian hosts read it as is.
  new Uint8Array(out.buffer).set(bytes.subarray(HEADER))
  if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) out[i] = bytes.readFloatLE(HEADER + i * 4)
  return out
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Writes both forms; returns the CSV key (Submission.perImageKey). */
export async function writePerImageScores(submissionId: string, testSetId: string, truth: Truth, perImage: Float64Array): Promise<string> {
  const key = perImageKey(submissionId, testSetId)
  await storage().put(perImageVectorKey(submissionId, testSetId), encodePerImageVector(perImage))
  await storage().put(key, Buffer.from(perImageCsv(truth, perImage)))
  return key
}

/**
 * A submission's per-image scores on a version as a vector in the test set's image order: the
 * binary form, or for scores recorded before it existed the CSV at `csvKey` (written in the same
 * order), whose binary form is then written. Null when neither is stored.
 */
export async function readPerImageVector(submissionId: string, testSetId: string, csvKey: string | null): Promise<Float32Array | null> {
  const binary = await storage().readBuffer(perImageVectorKey(submissionId, testSetId)).catch(() => null)
  const decoded = binary && decodePerImageVector(binary)
  if (decoded) return decoded
  if (!csvKey) return null
  const rows = await readPerImageScores(csvKey).catch(() => null)
  if (!rows) return null
  const vector = Float32Array.from(rows, (r) => r.score)
  // Parsing the CSV costs ~30 ms for 16,000 images (bench/per-image-read.ts): store the binary
  // form once, so the next read of these scores is the fast one. Best effort: the CSV stays.
  await storage()
    .put(perImageVectorKey(submissionId, testSetId), encodePerImageVector(vector))
    .catch(() => undefined)
  return vector
}
