/**
 * Model submissions: a team uploads an ONNX model plus a JSON manifest; the platform validates
 * the graph (`validateModelFile`) before queuing and later runs it on the hidden images in a
 * sandboxed, killable child process (`runModelOnImages`), getting one L2-normalised 384-d
 * embedding per image, or a `ModelRunError` whose participant message carries no hidden data.
 */
export { formatShape, modelError, modelFail, participantMessage } from './errors.ts'
export type { ModelError, ModelErrorCode, ModelResult, ModelRunError, ModelRunFailureClass } from './errors.ts'
export { EMBEDDING_DIM, expectedOutputDim, manifestToJson, parseManifest, parseManifestValue } from './manifest.ts'
export type { ModelManifest } from './manifest.ts'
export { parseOnnxModel, readOnnxFile } from './onnx-proto.ts'
export type { OnnxDim, OnnxModelInfo, OnnxValueInfo } from './onnx-proto.ts'
export { MAX_MODEL_BYTES, MAX_OPSET, MIN_OPSET, validateModelFile, validateModelInfo } from './validate-model.ts'
export type { ValidatedModel, ValidateOptions } from './validate-model.ts'
export { batchDims, decodeRgb, preprocessBatch, writePixels } from './preprocess.ts'
export { l2NormalizeRows, projectAndNormalize } from './postprocess.ts'
export { classifyRunnerFailure, failedOpType, knownOpType, runError } from './run-errors.ts'
export { runModelOnImages, scaledWallTimeMs } from './run-model.ts'
export type { RunLimits, RunModelOptions, RunModelResult } from './run-model.ts'
export { sandboxCommand, sandboxSupport } from './sandbox.ts'
export type { SandboxSupport } from './sandbox.ts'
export type { ProviderName } from './protocol.ts'
