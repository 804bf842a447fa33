/**
 * Turns what went wrong in a model run into a `ModelRunError` (errors.ts): the class and its fixed
 * participant message are chosen here, from the stage the runner names and, for a failed
 * operator, an op type that must be on a fixed list of ONNX (and ONNX Runtime fusion) op names.
 * The runner's text itself never reaches the participant: a model that computes a Reshape target
 * from pixels makes ONNX Runtime write those pixel values into its message.
 */
import { participantMessage, type ModelRunError, type ModelRunFailureClass } from './errors.ts'

/** Where in the runner a failure happened (runner.ts reports one of these with the raw text). */
export const RUNNER_STAGES = ['manifest', 'load', 'io_names', 'image', 'inference', 'output_shape', 'non_finite'] as const
export type RunnerStage = (typeof RUNNER_STAGES)[number]

/** The ai.onnx operators up to opset 23, and the fused ops ONNX Runtime's optimiser names in errors. */
const ONNX_OP_TYPES: ReadonlySet<string> = new Set(
  (
    'Abs Acos Acosh Add AffineGrid And ArgMax ArgMin Asin Asinh Atan Atanh Attention AveragePool BatchNormalization ' +
    'Bernoulli BitShift BitwiseAnd BitwiseNot BitwiseOr BitwiseXor BlackmanWindow Cast CastLike Ceil Celu CenterCropPad ' +
    'Clip Col2Im Compress Concat ConcatFromSequence Constant ConstantOfShape Conv ConvInteger ConvTranspose Cos Cosh ' +
    'CumSum DFT DeformConv DepthToSpace DequantizeLinear Det Div Dropout DynamicQuantizeLinear Einsum Elu Equal Erf Exp ' +
    'Expand EyeLike Flatten Floor GRU Gather GatherElements GatherND Gelu Gemm GlobalAveragePool GlobalLpPool ' +
    'GlobalMaxPool Greater GreaterOrEqual GridSample GroupNormalization HammingWindow HannWindow HardSigmoid HardSwish ' +
    'Hardmax Identity If ImageDecoder InstanceNormalization IsInf IsNaN LRN LSTM LayerNormalization LeakyRelu Less ' +
    'LessOrEqual Log LogSoftmax Loop LpNormalization LpPool MatMul MatMulInteger Max MaxPool MaxRoiPool MaxUnpool Mean ' +
    'MeanVarianceNormalization MelWeightMatrix Min Mish Mod Mul Multinomial Neg NegativeLogLikelihoodLoss ' +
    'NonMaxSuppression NonZero Not OneHot Optional OptionalGetElement OptionalHasElement Or PRelu Pad Pow QLinearConv ' +
    'QLinearMatMul QuantizeLinear RMSNormalization RNN RandomNormal RandomNormalLike RandomUniform RandomUniformLike Range ' +
    'Reciprocal ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum ' +
    'ReduceSumSquare RegexFullMatch Relu Reshape Resize ReverseSequence RoiAlign RotaryEmbedding Round STFT Scan Scatter ' +
    'ScatterElements ScatterND Selu SequenceAt SequenceConstruct SequenceEmpty SequenceErase SequenceInsert ' +
    'SequenceLength SequenceMap Shape Shrink Sigmoid Sign Sin Sinh Size Slice Softmax SoftmaxCrossEntropyLoss Softplus ' +
    'Softsign SpaceToDepth Split SplitToSequence Sqrt Squeeze StringConcat StringNormalizer StringSplit Sub Sum Swish Tan ' +
    'Tanh TensorScatter TfIdfVectorizer ThresholdedRelu Tile TopK Transpose Trilu Unique Unsqueeze Upsample Where Xor ' +
    // ONNX Runtime's graph optimiser replaces node groups by these (com.microsoft domain).
    'BiasGelu FastGelu FusedConv FusedGemm FusedMatMul QuickGelu SkipLayerNormalization EmbedLayerNormalization ' +
    'MultiHeadAttention MatMulNBits'
  ).split(' '),
)

/** `name` if it is a known op type name, else undefined (never free text). */
export function knownOpType(name: string | undefined): string | undefined {
  return name !== undefined && ONNX_OP_TYPES.has(name) ? name : undefined
}

/** The op type in ONNX Runtime's "… while running Reshape node. Name:'…' …", if it is a known one. */
export function failedOpType(runtimeMessage: string): string | undefined {
  return knownOpType(/while running (\w+) node/.exec(runtimeMessage)?.[1])
}

const OUT_OF_MEMORY = /bad_alloc|Failed to allocate|out of memory|Cannot allocate memory/i
const MAX_DETAIL = 4000

function isStage(stage: unknown): stage is RunnerStage {
  return typeof stage === 'string' && (RUNNER_STAGES as readonly string[]).includes(stage)
}

/** A run error of class `cls`; `detail` goes to the organizer only. */
export function runError(cls: ModelRunFailureClass, detail: string, context: { opType?: string; outputDim?: number } = {}): ModelRunError {
  return { class: cls, participantMessage: participantMessage(cls, context), organizerDetail: detail.slice(0, MAX_DETAIL) }
}

/**
 * Classifies a failure the runner reported. The runner executes an untrusted model in native code,
 * so its report is untrusted too: an unknown stage is a crash, and its text is only ever logged.
 */
export function classifyRunnerFailure(stage: unknown, detail: unknown, outputDim: number): ModelRunError {
  const text = typeof detail === 'string' ? detail : String(detail)
  if (!isStage(stage)) return runError('runner_crashed', `runner sent an unknown failure: ${text}`)
  const organizer = `${stage}: ${text}`
  switch (stage) {
    case 'manifest':
    case 'image':
      return runError('internal', organizer)
    case 'load':
    case 'io_names':
      return runError(OUT_OF_MEMORY.test(text) ? 'memory_limit' : 'invalid_model', organizer)
    case 'inference':
      if (OUT_OF_MEMORY.test(text)) return runError('memory_limit', organizer)
      return runError('inference_failed', organizer, { opType: failedOpType(text) })
    case 'output_shape':
      return runError('output_shape', organizer, { outputDim })
    case 'non_finite':
      return runError('non_finite_output', organizer)
  }
}
