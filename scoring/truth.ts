/**
 * The hidden answer key of a test set: one L2-normalised vector per image, plus which images
 * count towards the public leaderboard.
 */
export interface Truth {
  /** Image ids in a fixed order; per-image scores are aligned with it. */
  readonly ids: string[]
  /** Embedding length (384 for all-MiniLM-L6-v2). */
  readonly dim: number
  /** ids.length * dim floats, row-major. */
  readonly vectors: Float32Array
  /** 1 = public image, 0 = private; length ids.length. */
  readonly isPublic: Uint8Array
}

export interface BuildTruthOptions {
  /** Ids of the public images; omitted = every image is public. Unknown ids throw. */
  readonly publicIds?: Iterable<string>
}

/** Truth from ids and their vectors, e.g. right after embedding the hidden prompts. */
export function buildTruth(
  ids: readonly string[],
  vectors: Float32Array,
  dim: number,
  options: BuildTruthOptions = {},
): Truth {
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`invalid dim ${dim}`)
  if (vectors.length !== ids.length * dim) {
    throw new Error(`expected ${ids.length * dim} floats for ${ids.length} ids × ${dim}, got ${vectors.length}`)
  }
  const position = new Map<string, number>()
  ids.forEach((id, i) => {
    if (position.has(id)) throw new Error(`duplicate truth id '${id}'`)
    position.set(id, i)
  })
  return { ids: [...ids], dim, vectors, isPublic: publicMask(position, options.publicIds) }
}

function publicMask(position: ReadonlyMap<string, number>, publicIds: Iterable<string> | undefined): Uint8Array {
  const mask = new Uint8Array(position.size)
  if (publicIds === undefined) return mask.fill(1)
  for (const id of publicIds) {
    const i = position.get(id)
    if (i === undefined) throw new Error(`public id '${id}' is not in the test set`)
    mask[i] = 1
  }
  return mask
}

/** Same vectors, different public/private split. */
export function withPublicIds(truth: Truth, publicIds: Iterable<string> | undefined): Truth {
  return buildTruth(truth.ids, truth.vectors, truth.dim, { publicIds })
}
