// What participants read of a competition's training data: the latest version's files with their
// sizes, its images with their prompts page by page, and single files by name.
import { db, type Competition, type DataSetImage, type DataSetVersion } from '../platform/db.ts'
import { storage } from '../platform/storage.ts'
import { notFound } from '../errors.ts'
import { dataSetKeys, PROMPTS_FILE } from './keys.ts'

export async function latestDataSet(competitionId: string): Promise<DataSetVersion | null> {
  return db().dataSetVersion.findFirst({ where: { competitionId, imageCount: { gt: 0 } }, orderBy: { version: 'desc' } })
}

export interface DataSetFile {
  name: string
  size: number
}

/** The files of a version: the prompts CSV first, then the images by id. */
export async function dataSetFiles(version: DataSetVersion): Promise<DataSetFile[]> {
  const [promptsSize, images] = await Promise.all([
    storage().size(dataSetKeys.prompts(version.id)),
    db().dataSetImage.findMany({ where: { dataSetId: version.id }, orderBy: { imageId: 'asc' }, select: { fileName: true, size: true } }),
  ])
  return [{ name: PROMPTS_FILE, size: promptsSize }, ...images.map((i) => ({ name: i.fileName, size: i.size }))]
}

export interface DataSetPage {
  images: Pick<DataSetImage, 'imageId' | 'fileName' | 'prompt' | 'size'>[]
  page: number
  pages: number
}

/** One page of the version's images with their prompts, by id. */
export async function dataSetPage(version: DataSetVersion, page: number, pageSize = 24): Promise<DataSetPage> {
  const pages = Math.max(1, Math.ceil(version.imageCount / pageSize))
  const p = Math.min(pages, Math.max(1, Math.floor(page) || 1))
  const images = await db().dataSetImage.findMany({
    where: { dataSetId: version.id },
    orderBy: { imageId: 'asc' },
    skip: (p - 1) * pageSize,
    take: pageSize,
    select: { imageId: true, fileName: true, prompt: true, size: true },
  })
  return { images, page: p, pages }
}

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', csv: 'text/csv; charset=utf-8' }

export interface StoredFile {
  key: string
  size: number
  contentType: string
}

/** One file of the latest version by its listed name; 404 for anything not listed. */
export async function dataSetFile(competition: Pick<Competition, 'id' | 'slug'>, name: string): Promise<StoredFile> {
  const version = await latestDataSet(competition.id)
  if (!version) throw notFound(`Competition '${competition.slug}' has no training data yet`)
  const type = TYPES[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream'
  if (name === PROMPTS_FILE) {
    const key = dataSetKeys.prompts(version.id)
    return { key, size: await storage().size(key), contentType: type }
  }
  const image = await db().dataSetImage.findFirst({ where: { dataSetId: version.id, fileName: name } })
  if (!image) throw notFound(`No training file '${name}'`)
  return { key: `${dataSetKeys.images(version.id)}${image.fileName}`, size: image.size, contentType: type }
}

/** Every version of the competition's training data, newest first (the organizer's list). */
export async function listDataSets(competitionId: string): Promise<DataSetVersion[]> {
  return db().dataSetVersion.findMany({ where: { competitionId, imageCount: { gt: 0 } }, orderBy: { version: 'desc' } })
}
