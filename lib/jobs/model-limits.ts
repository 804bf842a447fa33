// The limits of one model run (participants' models and the reference baseline's), from the
// settings: memory, threads, and a time limit that scales with the number of hidden images.
import { scaledWallTimeMs, type RunLimits } from '../../scoring/model/run-model.ts'
import { config } from '../platform/config.ts'

/** Images per inference call (a model with a fixed batch dimension uses its own). */
const BATCH_SIZE = 16

let limitsOverride: Partial<RunLimits> | undefined

/** Test hook: other limits than the settings' (e.g. a tiny time cap). */
export function setModelRunLimits(limits: Partial<RunLimits> | undefined): void {
  limitsOverride = limits
}

/**
 * Per-job limits: ARENA_MODEL_MEMORY_MB, ARENA_MODEL_THREADS, and a time limit of
 * min(ARENA_MODEL_WALL_SECONDS, ARENA_MODEL_BASE_SECONDS + ARENA_MODEL_SECONDS_PER_IMAGE × images).
 */
export function modelRunLimits(images: number): RunLimits {
  const c = config()
  const wallTimeMs = scaledWallTimeMs(images, { capMs: c.modelWallTimeMs, baseMs: c.modelBaseMs, perImageMs: c.modelPerImageMs })
  return { wallTimeMs, memoryMb: c.modelMemoryMb, threads: c.modelThreads, batchSize: BATCH_SIZE, ...limitsOverride }
}
