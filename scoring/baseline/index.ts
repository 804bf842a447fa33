/**
 * The reference baseline: a pretrained EfficientNet-Lite2 (ImageNet) ensemble of a ridge head,
 * kNN, a label interrogator and the mean prompt prior, fitted by grouped CV on the visible data
 * and exported as one ONNX model that the platform's model runner scores like any participant's.
 */
export { BASELINE_MANIFEST_JSON, classNameEmbeddings, describeEnsemble, embedTrainPrompts, fitBaseline, imageOutputs, PROMPT_TEMPLATES } from './baseline.ts'
export type { BaselineTrainItem, FitBaselineOptions, FitBaselineResult } from './baseline.ts'
export { BACKBONE_MANIFEST, BACKBONE_MANIFEST_JSON, openBackbone, resolveVisionModelDir, VISION_MODEL_NAME } from './backbone.ts'
export { crossValidate, DEFAULT_GRID, groupFolds } from './cv.ts'
export type { CvGrid, CvInput, CvReport, EnsembleParams, ImageOutputs } from './cv.ts'
export { fitEnsemble, nestedCvScore, predictEnsemble } from './ensemble.ts'
export type { FittedEnsemble } from './ensemble.ts'
export { BASELINE_OUTPUT, exportEnsembleOnnx } from './export-onnx.ts'
export { diskFeatureCache } from './feature-cache.ts'
export type { FeatureCache } from './feature-cache.ts'
export { findOverlaps, normalizePrompt } from './overlap.ts'
export type { Overlap, OverlapItem } from './overlap.ts'
