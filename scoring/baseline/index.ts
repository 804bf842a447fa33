/**
 * The reference baseline: a pretrained EfficientNet-Lite2 (ImageNet) ensemble of a ridge head,
 * kNN, a label interrogator and the mean prompt prior, fitted by grouped CV on the visible data
 * and exported as one ONNX model that the platform's model runner scores like any participant's.
 */
export { embedTrainPrompts, fitBaseline } from './baseline.ts'
export { resolveVisionModelDir } from './backbone.ts'
export { diskFeatureCache } from './feature-cache.ts'
