/**
 * A sentence embedder: texts in, L2-normalised vectors out.
 * The ground truth and prompt-text submissions must go through the same implementation,
 * so scoring code depends on this interface and never on a concrete model.
 */
export interface Embedder {
  /** Vector length (384 for all-MiniLM-L6-v2). */
  readonly dim: number
  /** Which execution provider runs the model, e.g. 'cpu' or 'cuda'. */
  readonly provider: string
  /**
   * Embeds `texts` in order. Returns `texts.length * dim` floats, row-major.
   * `onProgress(done, total)` is called as batches finish.
   */
  embed(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array>
  close(): Promise<void>
}
