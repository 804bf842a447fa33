/**
 * Typed errors for model submissions.
 *
 * Two kinds, because they come from different places:
 * - `ModelError`: the pre-check of an upload (manifest, graph header). Its message describes the
 *   team's own files only (their input/output names and shapes), so it is shown as is.
 * - `ModelRunError`: a run on the hidden images. Anything the runtime says may carry hidden data
 *   (a Reshape whose target shape is computed from pixels puts pixel values into ONNX Runtime's
 *   message; a server path shows in "Load model from /…"), so a run error has a fixed,
 *   data-free `participantMessage` chosen by its class, and the raw text in `organizerDetail`
 *   for the organizer's job log only.
 */
export type ModelErrorCode =
  | 'manifest_invalid'
  | 'model_too_large'
  | 'model_unreadable'
  | 'model_malformed'
  | 'external_data'
  | 'opset_unsupported'
  | 'input_missing'
  | 'input_shape'
  | 'extra_inputs'
  | 'output_missing'
  | 'output_shape'

export interface ModelError {
  readonly code: ModelErrorCode
  /** Complete, user-facing message. */
  readonly message: string
}

export type ModelResult<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: ModelError }

export function modelFail(code: ModelErrorCode, message: string): { readonly ok: false; readonly error: ModelError } {
  return { ok: false, error: { code, message } }
}

/** Formats a tensor shape the way messages show it: `[N, 3, 224, 224]`. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`
}

/**
 * Why a run on the hidden images failed. All but `internal` are the model's doing (they count
 * against the team's daily limit once the run has started); `internal` is the platform's
 * (an image that cannot be decoded, a runner that cannot start) and is retried.
 */
export type ModelRunFailureClass =
  | 'invalid_model'
  | 'inference_failed'
  | 'output_shape'
  | 'non_finite_output'
  | 'time_limit'
  | 'memory_limit'
  | 'runner_crashed'
  | 'internal'

export interface ModelRunError {
  readonly class: ModelRunFailureClass
  /** Fixed text per class: no numbers, image ids, paths or runtime text. */
  readonly participantMessage: string
  /** Everything known (runtime message, paths, image ids): for the organizer's job log only. */
  readonly organizerDetail: string
}

/**
 * The participant's message of each class. `opType` must already be a vetted ONNX op type name
 * (see run-errors.ts), `outputDim` is the width the team's own manifest asks for.
 */
export function participantMessage(cls: ModelRunFailureClass, context: { opType?: string; outputDim?: number } = {}): string {
  switch (cls) {
    case 'invalid_model':
      return 'ONNX Runtime cannot load the model (it passed the upload check; run it with onnxruntime on CPU to see why)'
    case 'inference_failed':
      return context.opType ? `Model inference failed in an operator of type ${context.opType}` : 'Model inference failed'
    case 'output_shape':
      return `Model output has the wrong shape or type; expected float32 [N, ${context.outputDim ?? 384}]`
    case 'non_finite_output':
      return 'Model output contains NaN or infinite values'
    case 'time_limit':
      return 'The model run exceeded its time limit'
    case 'memory_limit':
      return 'The model run exceeded its memory limit'
    case 'runner_crashed':
      return 'The model runner stopped unexpectedly while running the model'
    case 'internal':
      return 'Internal error while running the model; the organizers have been notified'
  }
}
