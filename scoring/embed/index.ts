/** all-MiniLM-L6-v2 sentence embeddings in TypeScript (the ground truth of prompt scoring). */
export { loadMiniLmEmbedder, loadTokenizer, MINILM_DIM } from './minilm.ts'
export type { MiniLmEmbedder, MiniLmOptions } from './minilm.ts'
export { BertTokenizer, configFromTokenizerJson, DEFAULT_MAX_LENGTH, normalize, preTokenize } from './tokenizer.ts'
export type { BertTokenizerConfig } from './tokenizer.ts'
export { MODEL_NAME, ModelDirError, modelDirCandidates, resolveModelDir } from './model-dir.ts'
export type { ModelDirCandidate, ModelDirOptions } from './model-dir.ts'
export type { ExecutionProviderName } from './session.ts'
