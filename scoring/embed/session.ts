/** Opens the ONNX Runtime session, trying the requested execution providers in order. */
import * as ort from 'onnxruntime-node'

export type ExecutionProviderName = 'cuda' | 'cpu'

export interface OpenedSession {
  session: ort.InferenceSession
  provider: ExecutionProviderName
  /** Why earlier providers were passed over (empty when the first one worked). */
  fallbacks: string[]
}

/**
 * Tries each provider on its own (so a missing CUDA build fails here, not mid-run) and returns the
 * first that opens. 'cpu' is always tried last even when not listed.
 */
export async function openSession(
  modelPath: string,
  providers: readonly ExecutionProviderName[],
  threads: number,
): Promise<OpenedSession> {
  const order: ExecutionProviderName[] = [...new Set<ExecutionProviderName>([...providers, 'cpu'])]
  const fallbacks: string[] = []
  for (const provider of order) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        // A provider that is not built in fails loudly in ORT's own log; the reason is kept in
        // `fallbacks` instead, so only fatal messages while probing anything but the CPU.
        logSeverityLevel: provider === 'cpu' ? 2 : 4,
        // No busy-waiting between ops: on a shared or oversubscribed machine (CI, a web server
        // with other work) spinning threads fight for the cores. Measured here under load: about
        // 1.5x faster at batch 32 and 1 without spinning (an idle machine may gain a little from it).
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      })
      return { session, provider, fallbacks }
    } catch (err) {
      fallbacks.push(`${provider}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
    }
  }
  throw new Error(`could not open ${modelPath} with any execution provider:\n  ${fallbacks.join('\n  ')}`)
}

export function int64Tensor(data: BigInt64Array, rows: number, cols: number): ort.Tensor {
  return new ort.Tensor('int64', data, [rows, cols])
}
