/** Messages between `run-model.ts` (parent) and `runner.ts` (the sandboxed child that runs ONNX Runtime). */
import type { RunnerStage } from './run-errors.ts'

export type ProviderName = 'cuda' | 'cpu'

export interface RunRequest {
  readonly type: 'run'
  /** Inside the run's private folder (sandbox.ts); the child may read nothing else of the data. */
  readonly modelPath: string
  /** Manifest in its plain-JSON form (`manifestToJson`); the child parses it again. */
  readonly manifest: Record<string, unknown>
  /** Image files in output order. Their ids stay with the parent. */
  readonly imagePaths: readonly string[]
  readonly batchSize: number
  readonly threads: number
  readonly executionProviders: readonly ProviderName[]
}

export type RunnerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'session'; readonly provider: ProviderName; readonly fallbacks: readonly string[] }
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly rss: number }
  | { readonly type: 'result'; readonly embeddings: Float32Array; readonly provider: ProviderName }
  /** The raw text goes to the organizer's log only; the parent classifies by `stage` (run-errors.ts). */
  | { readonly type: 'failure'; readonly stage: RunnerStage; readonly detail: string }

export function isRunnerMessage(value: unknown): value is RunnerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
}
