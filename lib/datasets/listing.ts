// GET /api/competitions/:slug/data: everything a participant downloads, in one answer the web page
// and `arena download` share: the latest training-data version's files with sizes and addresses,
// the whole-zip address, the sample submission and the starter kit slot.
import type { Competition } from '../platform/db.ts'
import { isApiError } from '../errors.ts'
import { sampleSubmission } from '../testsets/reads.ts'
import { dataSetFiles, latestDataSet } from './reads.ts'
import { starterKitInfo } from '../baseline/kit.ts'

export interface DataListing {
  /** The latest training-data version, or null when the organizer has uploaded none. */
  version: number | null
  createdAt: string | null
  imageCount: number
  /** Bytes of all files together. */
  totalBytes: number
  /** prompts.csv first, then the images; `url` serves the file. */
  files: { name: string; size: number; url: string }[]
  /** The whole version as one zip (prompts.csv + images/…), or null without training data. */
  download: { url: string; fileName: string } | null
  /** The active test set's sample submission, or null before one is active. */
  sampleSubmission: { url: string; fileName: string; size: number; testSetVersion: number } | null
  /** The reference baseline as a model to submit or improve (lib/baseline/kit.ts), null before its first run. */
  starterKit: { url: string; fileName: string; size: number } | null
}

/** `files: false` leaves the file list empty (the web page shows totals and pages the images itself). */
export async function dataListing(competition: Competition, options: { files?: boolean } = {}): Promise<DataListing> {
  const base = `/api/competitions/${encodeURIComponent(competition.slug)}`
  const [version, sample, kit] = await Promise.all([
    latestDataSet(competition.id),
    sampleSubmission(competition.slug).catch((err: unknown) => {
      if (isApiError(err) && err.status === 404) return null
      throw err
    }),
    starterKitInfo(competition.id),
  ])
  const files = version && options.files !== false ? await dataSetFiles(version) : []
  return {
    version: version?.version ?? null,
    createdAt: version?.createdAt.toISOString() ?? null,
    imageCount: version?.imageCount ?? 0,
    totalBytes: version?.totalBytes ?? 0,
    files: files.map((f) => ({ ...f, url: `${base}/data/files/${encodeURIComponent(f.name)}` })),
    download: version ? { url: `${base}/data/download`, fileName: `${competition.slug}-data-v${version.version}.zip` } : null,
    sampleSubmission: sample ? { url: `${base}/sample-submission`, fileName: sample.fileName, size: sample.size, testSetVersion: sample.version } : null,
    starterKit: kit ? { url: `${base}/starter-kit`, fileName: `${competition.slug}-starter-kit.zip`, size: kit.size } : null,
  }
}
