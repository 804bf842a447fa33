import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ModelDirError, modelDirCandidates, resolveModelDir } from '../../scoring/embed/model-dir.ts'

const repo = path.resolve('/srv/arena')
const has = (...dirs: string[]) => {
  const files = new Set(dirs.map((d) => path.join(path.resolve(d), 'model.onnx')))
  return (file: string) => files.has(file)
}

describe('model folder resolution', () => {
  it('prefers an explicit model folder and does not fall back from it', () => {
    expect(resolveModelDir({ modelDir: '/x/m', repoRoot: repo, exists: has('/x/m') })).toBe('/x/m')
    expect(() => resolveModelDir({ modelDir: '/x/m', repoRoot: repo, exists: has('/srv/arena/models/all-MiniLM-L6-v2') })).toThrow(ModelDirError)
  })

  it('then ARENA_MODELS_DIR (as passed in), then <repo>/models, then <repo>/../shared/models', () => {
    const setting = '/data/models'
    const all = has('/data/models/all-MiniLM-L6-v2', '/srv/arena/models/all-MiniLM-L6-v2', '/srv/shared/models/all-MiniLM-L6-v2')
    expect(resolveModelDir({ modelsDirSetting: setting, repoRoot: repo, exists: all })).toBe('/data/models/all-MiniLM-L6-v2')
    expect(resolveModelDir({ repoRoot: repo, exists: all })).toBe('/srv/arena/models/all-MiniLM-L6-v2')
    expect(resolveModelDir({ repoRoot: repo, exists: has('/srv/shared/models/all-MiniLM-L6-v2') })).toBe('/srv/shared/models/all-MiniLM-L6-v2')
    // The setting may also point at the model folder itself.
    expect(resolveModelDir({ modelsDirSetting: '/m', repoRoot: repo, exists: has('/m') })).toBe('/m')
  })

  it('counts a folder only when it holds model.onnx', () => {
    // shared/models has tokenizer files but no weights: it must not be picked.
    const onlyTokenizer = (file: string) => file.endsWith('vocab.txt')
    expect(() => resolveModelDir({ repoRoot: repo, exists: onlyTokenizer })).toThrow(ModelDirError)
  })

  it('lists every place looked and says how to fix it', () => {
    let err: unknown
    try {
      resolveModelDir({ modelsDirSetting: '/data/models', repoRoot: repo, exists: () => false })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ModelDirError)
    const e = err as ModelDirError
    expect(e.looked.map((c) => c.dir)).toEqual(modelDirCandidates({ modelsDirSetting: '/data/models', repoRoot: repo }).map((c) => c.dir))
    expect(e.message).toContain('/data/models/all-MiniLM-L6-v2')
    expect(e.message).toContain('/srv/arena/models/all-MiniLM-L6-v2')
    expect(e.message).toContain('/srv/shared/models/all-MiniLM-L6-v2')
    expect(e.message).toContain('npm run models:prepare')
  })

  it('ignores an empty setting', () => {
    expect(modelDirCandidates({ modelsDirSetting: '', repoRoot: repo }).map((c) => c.origin)).toEqual(['<repo>/models', '<repo>/../shared/models'])
  })
})
