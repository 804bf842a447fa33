/**
 * Typed errors for model submissions. Every way an uploaded model (or its run) can fail is a
 * value of `ModelError`, so the queue/worker can store it and show it to the team.
 */
export type ModelErrorCode =
  | 'manifest_invalid'
  | 'model_too_large'
  | 'model_unreadable'
  | 'model_malformed'
  | 'opset_unsupported'
  | 'input_missing'
  | 'input_shape'
  | 'extra_inputs'
  | 'output_missing'
  | 'output_shape'
  | 'image_unreadable'
  | 'inference_failed'
  | 'time_cap'
  | 'memory_cap'
  | 'runner_crashed'

export interface ModelError {
  readonly code: ModelErrorCode
  /** Complete, user-facing message. */
  readonly message: string
}

export type ModelResult<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: ModelError }

export function modelError(code: ModelErrorCode, message: string): ModelError {
  return { code, message }
}

export function modelFail(code: ModelErrorCode, message: string): { readonly ok: false; readonly error: ModelError } {
  return { ok: false, error: { code, message } }
}

/** Formats a tensor shape the way messages show it: `[N, 3, 224, 224]`. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`
}
