/**
 * Public API of the scoring engine. Pure library: no Next.js, no database.
 *
 *   scoreSubmission(source, truth, options?)       long format, path | ReadableStream | AsyncIterable
 *   scorePromptSubmission(source, truth, embedder)  `imgId,prompt` text, embedded then scored
 *   → { ok: true, score, public, private, images, rows, perImage } | { ok: false, error: { code, message, line?, column? } }
 */
export { scoreSubmission, scoreSubmissionFile, scoreSubmissionStream } from './score.ts'
export type { ScoreOptions, ScoreResult, ScoreSuccess } from './score.ts'
export { scorePromptSubmission, readPromptCsv } from './prompts.ts'
export type { PromptTable, PromptScoreOptions } from './prompts.ts'
export { cosineScores } from './cosine.ts'
export type { Scores } from './cosine.ts'
export { buildTruth, withPublicIds } from './truth.ts'
export type { Truth, BuildTruthOptions } from './truth.ts'
export { readTruthFile, writeTruthFile, encodeTruth, decodeTruth } from './truth-file.ts'
export { readTruthCsv, MAX_TRUTH_DIM } from './truth-csv.ts'
export type { TruthCsvOptions } from './truth-csv.ts'
export { detectSubmissionFormat, detectSourceFormat, identifyNotCsv } from './detect.ts'
export type { SubmissionFormat } from './detect.ts'
export { formatScoringError } from './errors.ts'
export type { ScoringError, ScoringErrorCode, Result } from './errors.ts'
export type { SubmissionSource, SourceLimits } from './source.ts'
export { DEFAULT_LIMITS } from './source.ts'
export type { Embedder } from './embedder.ts'
export { parseDecimal } from './float-parse.ts'
