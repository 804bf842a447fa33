/**
 * Folds a fitted ensemble into the backbone's ONNX graph: one model, image [N, 3, 260, 260] in
 * (BACKBONE_MANIFEST's preprocessing), `embedding` [N, 384] out, L2-normalised. The appended
 * nodes compute exactly what predictEnsemble (ensemble.ts) computes:
 *   flip TTA  Concat(image, Slice(image, W reversed)) → backbone → Reshape [2, N, ·] → ReduceMean
 *   features  f / max(‖f‖, 1e-12)
 *   ridge     normalise(f · W + b)
 *   kNN       sims = f · Fᵀ → TopK(k) → Softmax(sims / T) → Σ weights · Gather(E, indices)
 *   interrog. normalise(Softmax(logits / T) · C)
 *   ensemble  normalise(Σ w_m · member_m + w_prior · prior)
 */
import { BACKBONE_FEATURE_DIM, BACKBONE_IMAGE_SIZE, BACKBONE_INPUT, CLASS_COUNT } from './backbone.ts'
import { activeMembers, type FittedEnsemble } from './ensemble.ts'
import { composeModel, type NodeDef, type TensorInit } from './onnx-graph.ts'

export const BASELINE_OUTPUT = 'embedding'
/** Guards the L2 normalisations against all-zero rows (which stay zero, as in members.ts). */
const NORM_EPS = 1e-12

/** Transposes a row-major rows×cols matrix. */
function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]
  return out
}

class GraphBuilder {
  readonly nodes: NodeDef[] = []
  readonly inits: TensorInit[] = []
  private count = 0

  node(op: string, inputs: string[], attrs?: NodeDef['attrs'], outputs = 1): string[] {
    const id = this.count++
    const outs = Array.from({ length: outputs }, (_, i) => `pa_${id}_${op.toLowerCase()}${outputs > 1 ? `_${i}` : ''}`)
    this.nodes.push({ op, inputs, outputs: outs, name: `pa_${id}_${op}`, ...(attrs ? { attrs } : {}) })
    return outs
  }

  one(op: string, inputs: string[], attrs?: NodeDef['attrs']): string {
    return this.node(op, inputs, attrs)[0]
  }

  float(name: string, dims: number[], data: Float32Array): string {
    this.inits.push({ name: `pa_${name}`, dims, float: data })
    return `pa_${name}`
  }

  int64(name: string, values: number[]): string {
    this.inits.push({ name: `pa_${name}`, dims: [values.length], int64: values })
    return `pa_${name}`
  }

  scalar(name: string, v: number): string {
    this.inits.push({ name: `pa_${name}`, dims: [], float: Float32Array.of(v) })
    return `pa_${name}`
  }

  /** Row-wise L2 normalisation of a [N, D] value. */
  normalize(x: string, eps: string): string {
    const norm = this.one('ReduceL2', [x], { axes: { ints: [1] }, keepdims: { i: 1 } })
    return this.one('Div', [x, this.one('Max', [norm, eps])])
  }
}

export interface ExportOptions {
  /** Written into the model's doc_string (how it was made). */
  readonly description: string
  readonly producerVersion?: string
}

/** Serialises the fitted ensemble, composed with the backbone's ONNX bytes, as one ONNX model. */
export function exportEnsembleOnnx(backbone: Uint8Array, model: FittedEnsemble, options: ExportOptions): Uint8Array {
  const { params, dim, featureDim, classes } = model
  if (featureDim !== BACKBONE_FEATURE_DIM || classes !== CLASS_COUNT) throw new Error('the ensemble was not fitted on this backbone')
  const nTrain = model.trainFeatures.length / featureDim
  const pre = new GraphBuilder()
  const g = new GraphBuilder()
  const BACKBONE_IN = 'pa_backbone_input'
  // Pre-nodes: the backbone reads BACKBONE_IN (the plain batch, or plain + mirrored).
  if (params.flip) {
    const s = BACKBONE_IMAGE_SIZE
    const flipped = pre.one('Slice', [BACKBONE_INPUT, pre.int64('flip_starts', [-1]), pre.int64('flip_ends', [-(s + 1)]), pre.int64('flip_axes', [3]), pre.int64('flip_steps', [-1])])
    pre.nodes.push({ op: 'Concat', inputs: [BACKBONE_INPUT, flipped], outputs: [BACKBONE_IN], name: 'pa_tta_concat', attrs: { axis: { i: 0 } } })
  } else {
    pre.nodes.push({ op: 'Identity', inputs: [BACKBONE_INPUT], outputs: [BACKBONE_IN], name: 'pa_input' })
  }
  const eps = g.scalar('eps', NORM_EPS)
  const mean2 = (x: string, width: number, name: string) =>
    g.one('ReduceMean', [g.one('Reshape', [x, g.int64(`${name}_shape`, [2, -1, width])])], { axes: { ints: [0] }, keepdims: { i: 0 } })
  const rawFeatures = params.flip ? mean2('features', featureDim, 'features') : 'features'
  const logits = params.flip ? mean2('logits', classes, 'logits') : 'logits'
  const f = g.normalize(rawFeatures, eps)
  const terms: string[] = []
  for (const m of activeMembers(params)) {
    const w = params.weights[m]
    if (m === 'prior') {
      const prior = new Float32Array(dim)
      for (let j = 0; j < dim; j++) prior[j] = w * model.prior[j]
      terms.push(g.float('prior_weighted', [dim], prior))
      continue
    }
    let member: string
    if (m === 'ridge') {
      const r = g.one('Add', [g.one('MatMul', [f, g.float('ridge_w', [featureDim, dim], model.ridgeWeight)]), g.float('ridge_b', [dim], model.ridgeBias)])
      member = g.normalize(r, eps)
    } else if (m === 'knn') {
      const sims = g.one('MatMul', [f, g.float('train_features_t', [featureDim, nTrain], transpose(model.trainFeatures, nTrain, featureDim))])
      const temp = g.scalar('knn_t', params.knnTemperature)
      const emb = g.float('train_embeddings', [nTrain, dim], model.trainEmbeddings)
      let summed: string
      if (params.knnK >= nTrain) {
        summed = g.one('MatMul', [g.one('Softmax', [g.one('Div', [sims, temp])], { axis: { i: 1 } }), emb])
      } else {
        const [values, indices] = g.node('TopK', [sims, g.int64('knn_k', [params.knnK])], { axis: { i: 1 }, largest: { i: 1 }, sorted: { i: 1 } }, 2)
        const weights = g.one('Softmax', [g.one('Div', [values, temp])], { axis: { i: 1 } })
        const gathered = g.one('Gather', [emb, indices], { axis: { i: 0 } })
        const axis1 = g.int64('axis1', [1])
        summed = g.one('Squeeze', [g.one('MatMul', [g.one('Unsqueeze', [weights, axis1]), gathered]), axis1])
      }
      member = g.normalize(summed, eps)
    } else {
      const probs = g.one('Softmax', [g.one('Div', [logits, g.scalar('interrogator_t', params.interrogatorTemperature)])], { axis: { i: 1 } })
      member = g.normalize(g.one('MatMul', [probs, g.float('class_embeddings', [classes, dim], model.classEmbeddings)]), eps)
    }
    terms.push(g.one('Mul', [member, g.scalar(`w_${m}`, w)]))
  }
  let sum = terms[0]
  for (const t of terms.slice(1)) sum = g.one('Add', [sum, t])
  // A lone prior term is a [dim] constant: broadcast it to [N, dim] through the features' rows.
  if (terms.length === 1 && activeMembers(params)[0] === 'prior') {
    const zeroColumn = g.one('Mul', [g.one('ReduceL2', [f], { axes: { ints: [1] }, keepdims: { i: 1 } }), g.scalar('zero', 0)])
    sum = g.one('Add', [zeroColumn, sum])
  }
  const last = g.normalize(sum, eps)
  g.nodes.push({ op: 'Identity', inputs: [last], outputs: [BASELINE_OUTPUT], name: 'pa_output' })
  return composeModel(backbone, {
    renameInputs: new Map([[BACKBONE_INPUT, BACKBONE_IN]]),
    preNodes: pre.nodes,
    postNodes: g.nodes,
    initializers: [...pre.inits, ...g.inits],
    inputs: [{ name: BACKBONE_INPUT, shape: ['batch', 3, BACKBONE_IMAGE_SIZE, BACKBONE_IMAGE_SIZE] }],
    outputs: [{ name: BASELINE_OUTPUT, shape: ['batch', dim] }],
    producerName: 'prompt-arena reference baseline',
    producerVersion: options.producerVersion ?? '1',
    docString: options.description,
  })
}
