// The per-image scores file of a scored submission, `imageId,public,score` for every image of the
// test-set version: its one writer (the scoring jobs) and its one reader (the API and pages,
// which decide what a viewer may see of it).
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
