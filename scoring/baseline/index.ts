/**
 * The reference ensemble baseline (kNN over cheap image descriptors + mean prompt prior, weights
 * fitted by group k-fold CV). No pretrained CLIP-family weights could be had offline, so the
 * CLIP members are absent; see bench/RESULTS-baseline.md.
 */
export { BASELINE_FORMAT, embedTrainPrompts, fitBaseline, parseBaseline, predictBaseline, predictFromFeatures, serializeBaseline } from './baseline.ts'
export type { BaselineModel, BaselineTrainItem, FitBaselineOptions, FitBaselineResult, ParseBaselineResult } from './baseline.ts'
export { crossValidate, DEFAULT_GRID, groupFolds } from './cv.ts'
export type { CvGrid, CvInput, CvReport } from './cv.ts'
export { FEATURE_DIM, FEATURE_NAME, featuresFromPixels, imageFeatureMatrix, imageFeatures } from './features.ts'
export { combineMembers, knnFromRanked, knnPredict, meanPrior, rankNeighbours, repeatRow } from './members.ts'
export type { KnnIndex } from './members.ts'
export { meanCosine, normalizeRows } from './vectors.ts'
