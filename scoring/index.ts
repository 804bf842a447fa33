/**
 * Public API of the scoring engine. Pure library: no Next.js, no database.
 *
 *   scoreSubmission(source, truth, options?)       long format, path | ReadableStream | AsyncIterable
 *   scorePromptSubmission(source, truth, embedder)  `imgId,prompt` text, embedded then scored
 *   → { ok: true, score, public, private, images, rows, perImage } | { ok: false, error: { code, message, line?, column? } }
 */
export { scoreSubmission } from './score.ts'
export type { ScoreResult } from './score.ts'
export { scorePromptSubmission, readPromptCsv } from './prompts.ts'
export { buildTruth, withPublicIds } from './truth.ts'
export type { Truth } from './truth.ts'
export { readTruthFile, writeTruthFile, encodeTruth, decodeTruth } from './truth-file.ts'
export { readTruthCsv } from './truth-csv.ts'
export { detectSubmissionFormat, detectSourceFormat } from './detect.ts'
export { formatScoringError } from './errors.ts'
export type { ScoringError } from './errors.ts'
export type { Embedder } from './embedder.ts'
export { parseDecimal } from './float-parse.ts'
