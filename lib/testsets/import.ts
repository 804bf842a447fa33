// Importing local files as a new test-set version in one go (the CLI and the demo).
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import type { TestSetVersion } from '../platform/db.ts'
import { storage } from '../platform/storage.ts'
import { requireCompetition } from '../competitions/competitions.ts'
import { checkSplitOptions, createTestSetVersion, failTestSetVersion, processTestSet, type NewVersionOptions, type ProcessOptions } from './versions.ts'
import { testSetKeys } from './keys.ts'
import { parsePromptsCsv, stageImagesFromDir, stageImagesFromZip, TestSetInputError } from './input.ts'

export interface ImportTestSetOptions extends NewVersionOptions, ProcessOptions {
  competitionSlug: string
  /** A folder of images or a .zip of them. */
  imagesDirOrZip: string
  /** The `imgId,prompt` CSV. */
  promptsCsv: string
}

/**
 * Imports local files as a new version in one go (CLI, demo). Problems found before a version is
 * created (missing files, a bad prompts CSV, bad options) create none; later ones leave a failed
 * version with the reason. Throws TestSetInputError for problems with the files.
 */
export async function importTestSet(options: ImportTestSetOptions): Promise<TestSetVersion> {
  const competition = await requireCompetition(options.competitionSlug)
  checkSplitOptions(options)
  let promptsText: string
  try {
    promptsText = await readFile(options.promptsCsv, 'utf8')
  } catch (err) {
    throw new TestSetInputError(`cannot read the prompts CSV ${options.promptsCsv}: ${err instanceof Error ? err.message : String(err)}`)
  }
  parsePromptsCsv(promptsText, options.promptsCsv)
  let isDir: boolean
  try {
    isDir = (await stat(options.imagesDirOrZip)).isDirectory()
  } catch (err) {
    throw new TestSetInputError(`cannot read the images ${options.imagesDirOrZip}: ${err instanceof Error ? err.message : String(err)}`)
  }

  const version = await createTestSetVersion(competition, options)
  const report = async (fraction: number, message: string): Promise<void> => {
    await options.onProgress?.(fraction, message)
  }
  try {
    await storage().put(testSetKeys.prompts(version.id), Buffer.from(promptsText, 'utf8'))
    await report(0, 'copying images')
    const onFile = (n: number) => void report(0, `copied ${n} images`)
    if (isDir) await stageImagesFromDir(options.imagesDirOrZip, storage(), testSetKeys.images(version.id), { onFile })
    else await stageImagesFromZip(createReadStream(options.imagesDirOrZip), storage(), testSetKeys.images(version.id), { onFile })
  } catch (err) {
    await failTestSetVersion(version.id, err instanceof Error ? err.message : String(err))
    throw err
  }
  return processTestSet(version.id, options)
}
