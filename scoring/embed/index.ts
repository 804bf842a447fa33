/** all-MiniLM-L6-v2 sentence embeddings in TypeScript (the ground truth of prompt scoring). */
export { loadMiniLmEmbedder } from './minilm.ts'
export type { MiniLmEmbedder } from './minilm.ts'
export { resolveModelDir } from './model-dir.ts'
