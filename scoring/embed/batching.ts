/** Length-sorted batching: similar lengths share a batch so little compute is spent on padding. */

/**
 * Splits item indices into batches of at most `batchSize`, taking items in order of length
 * (stable for equal lengths). Callers put results back at the original indices.
 */
export function lengthSortedBatches(lengths: readonly number[], batchSize: number): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`)
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b)
  const batches: number[][] = []
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize))
  return batches
}
