/**
 * all-MiniLM-L6-v2 as an Embedder: TypeScript WordPiece tokenizer -> ONNX BERT encoder
 * (last_hidden_state) -> mean pooling over the attention mask -> L2 normalisation. Reproduces
 * Python `SentenceTransformer('all-MiniLM-L6-v2').encode(texts)` (max_seq_length 256).
 */
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Embedder } from '../embedder.ts'
import { lengthSortedBatches } from './batching.ts'
import { resolveModelDir } from './model-dir.ts'
import { meanPoolNormalize } from './pooling.ts'
import { int64Tensor, openSession, type ExecutionProviderName } from './session.ts'
import { BertTokenizer, configFromTokenizerJson, DEFAULT_MAX_LENGTH } from './tokenizer.ts'

export interface MiniLmOptions {
  /** The model folder itself (holds model.onnx); skips the search. */
  modelDir?: string
  /** A models root, normally ARENA_MODELS_DIR as read by the caller. */
  modelsDirSetting?: string
  /** Tried in order; 'cpu' is the fallback. Default ['cpu']. */
  executionProviders?: ExecutionProviderName[]
  /** Sequences per ONNX run (default 32). */
  batchSize?: number
  /** ONNX Runtime intra-op threads (default: the number of usable cores). */
  threads?: number
}

export interface MiniLmEmbedder extends Embedder {
  readonly modelDir: string
  readonly tokenizer: BertTokenizer
  readonly maxLength: number
  /** Why a requested provider was not used (e.g. no CUDA build); empty when none was skipped. */
  readonly providerFallbacks: readonly string[]
}

export const MINILM_DIM = 384

async function readMaxSeqLength(dir: string): Promise<number> {
  try {
    const cfg: unknown = JSON.parse(await readFile(path.join(dir, 'sentence_bert_config.json'), 'utf8'))
    if (typeof cfg === 'object' && cfg !== null && 'max_seq_length' in cfg && typeof cfg.max_seq_length === 'number') {
      return cfg.max_seq_length
    }
  } catch {
    // Missing file: sentence-transformers' value for this model.
  }
  return DEFAULT_MAX_LENGTH
}

export async function loadTokenizer(dir: string): Promise<BertTokenizer> {
  const vocab = await readFile(path.join(dir, 'vocab.txt'), 'utf8')
  const config = configFromTokenizerJson(JSON.parse(await readFile(path.join(dir, 'tokenizer.json'), 'utf8')))
  return BertTokenizer.fromVocabText(vocab, config)
}

export async function loadMiniLmEmbedder(options: MiniLmOptions = {}): Promise<MiniLmEmbedder> {
  const modelDir = resolveModelDir({ modelDir: options.modelDir, modelsDirSetting: options.modelsDirSetting })
  const batchSize = options.batchSize ?? 32
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`)
  const threads = options.threads ?? Math.max(1, os.availableParallelism())
  const [tokenizer, maxLength] = await Promise.all([loadTokenizer(modelDir), readMaxSeqLength(modelDir)])
  const { session, provider, fallbacks } = await openSession(
    path.join(modelDir, 'model.onnx'),
    options.executionProviders ?? ['cpu'],
    threads,
  )
  const dim = MINILM_DIM
  let closed = false

  async function embed(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
    if (closed) throw new Error('embedder is closed')
    const out = new Float32Array(texts.length * dim)
    const encoded = texts.map((t) => tokenizer.encode(t, maxLength))
    const batches = lengthSortedBatches(
      encoded.map((e) => e.length),
      batchSize,
    )
    let done = 0
    for (const batch of batches) {
      const seq = Math.max(...batch.map((i) => encoded[i].length))
      const ids = new BigInt64Array(batch.length * seq) // [PAD] = 0
      const mask = new BigInt64Array(batch.length * seq)
      batch.forEach((item, row) => {
        const e = encoded[item]
        for (let t = 0; t < e.length; t++) {
          ids[row * seq + t] = BigInt(e[t])
          mask[row * seq + t] = 1n
        }
      })
      if (tokenizer.padId !== 0) {
        const pad = BigInt(tokenizer.padId)
        for (let k = 0; k < ids.length; k++) if (mask[k] === 0n) ids[k] = pad
      }
      const result = await session.run({
        input_ids: int64Tensor(ids, batch.length, seq),
        attention_mask: int64Tensor(mask, batch.length, seq),
        token_type_ids: int64Tensor(new BigInt64Array(batch.length * seq), batch.length, seq),
      })
      const hidden = result.last_hidden_state
      if (!hidden || !(hidden.data instanceof Float32Array) || hidden.dims[2] !== dim) {
        throw new Error(`model.onnx: expected a float32 last_hidden_state [batch, seq, ${dim}]`)
      }
      meanPoolNormalize(
        hidden.data,
        seq,
        dim,
        batch.map((i) => encoded[i].length),
        out,
        batch,
      )
      hidden.dispose()
      done += batch.length
      onProgress?.(done, texts.length)
    }
    return out
  }

  return {
    dim,
    provider,
    providerFallbacks: fallbacks,
    modelDir,
    tokenizer,
    maxLength,
    embed,
    async close() {
      if (closed) return
      closed = true
      await session.release()
    },
  }
}
