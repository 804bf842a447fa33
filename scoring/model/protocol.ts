/** Messages between `run-model.ts` (parent) and `runner.ts` (the child process that runs ONNX Runtime). */
import type { ModelError } from './errors.ts'

export type ProviderName = 'cuda' | 'cpu'

export interface RunRequest {
  readonly type: 'run'
  readonly modelPath: string
  /** Manifest in its plain-JSON form (`manifestToJson`); the child parses it again. */
  readonly manifest: Record<string, unknown>
  readonly images: readonly { readonly id: string; readonly path: string }[]
  readonly batchSize: number
  readonly threads: number
  readonly executionProviders: readonly ProviderName[]
}

export type RunnerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'session'; readonly provider: ProviderName; readonly fallbacks: readonly string[] }
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly rss: number }
  | { readonly type: 'result'; readonly embeddings: Float32Array; readonly provider: ProviderName }
  | { readonly type: 'error'; readonly error: ModelError }

export function isRunnerMessage(value: unknown): value is RunnerMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
}
