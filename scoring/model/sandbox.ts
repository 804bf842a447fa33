/**
 * The sandbox a model runner child runs in (Linux; each layer is used where the machine allows
 * it, and what is missing is reported in `notes` for the organizer's job log):
 *
 * - no network: its own, empty network namespace (`unshare --net` as root, else
 *   `unshare --user --map-root-user --net` where user namespaces are allowed);
 * - dies with its parent: `setpriv --pdeathsig SIGKILL`, and the runner itself exits when its IPC
 *   channel closes or it is re-parented (runner.ts);
 * - resource limits: `prlimit` sets address space (not where CUDA may be used: it reserves more
 *   virtual memory than any useful limit), CPU seconds, file size and core size. No process
 *   count: RLIMIT_NPROC counts every process of the user, the worker's own included, and root
 *   is exempt; the runner's JavaScript may not start processes (permission model), and ONNX
 *   Runtime and libvips start none;
 * - files: Node's permission model (`--experimental-permission`) lets the runner's JavaScript
 *   read only its private run folder (the model, the images, the runner bundle; see
 *   `prepareRunFolder`) and the packages of onnxruntime-node and sharp, and write nothing. The
 *   runner is an esbuild bundle, so no TypeScript loader needs to read the source tree. Native
 *   code (ONNX Runtime, libvips) is not confined by Node's permission model; the model cannot
 *   name files for it to read because external data is refused (validate-model.ts, run-model.ts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { chmod, copyFile, link, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface SandboxSupport {
  /** Arguments for `unshare` that give the child an empty network namespace, or null. */
  readonly netns: readonly string[] | null
  readonly pdeathsig: boolean
  readonly prlimit: boolean
  /** Why a layer is missing (empty when all are in place). */
  readonly notes: readonly string[]
}

export interface SandboxLimits {
  /** null: not limited (CUDA). */
  readonly addressSpaceBytes: number | null
  readonly cpuSeconds: number
  readonly fileSizeBytes: number
}

function tryRun(command: string, args: readonly string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 5000 }, (err, _stdout, stderr) => {
      if (!err) resolve(null)
      else resolve((String(stderr).trim().split('\n')[0] || err.message).slice(0, 200))
    })
  })
}

let probed: Promise<SandboxSupport> | undefined

/** What this machine allows, probed once per process. */
export function sandboxSupport(): Promise<SandboxSupport> {
  probed ??= probe()
  return probed
}

async function probe(): Promise<SandboxSupport> {
  if (process.platform !== 'linux') {
    return { netns: null, pdeathsig: false, prlimit: false, notes: [`no network namespace, parent-death signal or rlimits on ${process.platform}`] }
  }
  const notes: string[] = []
  let netns: string[] | null = null
  const asRoot = await tryRun('unshare', ['--net', 'true'])
  if (asRoot === null) netns = ['--net']
  else {
    const asUser = await tryRun('unshare', ['--user', '--map-root-user', '--net', 'true'])
    if (asUser === null) netns = ['--user', '--map-root-user', '--net']
    else notes.push(`network not isolated: unshare --net: ${asRoot}; unshare --user --net: ${asUser}`)
  }
  const death = await tryRun('setpriv', ['--pdeathsig', 'SIGKILL', 'true'])
  if (death !== null) notes.push(`no parent-death signal (setpriv: ${death}); the runner still exits when its IPC channel closes`)
  const rl = await tryRun('prlimit', ['--core=0', 'true'])
  if (rl !== null) notes.push(`no rlimits (prlimit: ${rl}); the parent's time and memory caps still apply`)
  return { netns, pdeathsig: death === null, prlimit: rl === null, notes }
}

/** Node's flag for its permission model (`--permission` from Node 22.13/23.5, experimental before). */
function permissionFlag(): string {
  const flags = process.allowedNodeEnvironmentFlags
  return flags.has('--permission') || !flags.has('--experimental-permission') ? '--permission' : '--experimental-permission'
}

/**
 * The command line that starts `script` with Node inside the sandbox. `readPaths` are the only
 * files and folders its JavaScript may read.
 */
export function sandboxCommand(
  support: SandboxSupport,
  options: { script: string; readPaths: readonly string[]; limits: SandboxLimits },
): { command: string; args: string[] } {
  const node = [
    process.execPath,
    permissionFlag(),
    '--allow-addons',
    ...options.readPaths.map((p) => `--allow-fs-read=${p}`),
    // Permission and addon warnings on every start are noise in the organizer's log.
    '--no-warnings',
    options.script,
  ]
  const chain: string[] = []
  if (support.prlimit) {
    const { limits } = options
    chain.push(
      'prlimit',
      ...(limits.addressSpaceBytes === null ? [] : [`--as=${Math.floor(limits.addressSpaceBytes)}`]),
      `--cpu=${Math.ceil(limits.cpuSeconds)}`,
      `--fsize=${Math.floor(limits.fileSizeBytes)}`,
      '--core=0',
      '--',
    )
  }
  if (support.pdeathsig) chain.push('setpriv', '--pdeathsig', 'SIGKILL', '--')
  if (support.netns) chain.push('unshare', ...support.netns, '--')
  const all = [...chain, ...node]
  return { command: all[0], args: all.slice(1) }
}

/**
 * Starts the bundled `scriptPath` (in `folder`, see `prepareRunFolder`) inside the sandbox, with
 * an IPC channel (advanced serialization) and stderr piped. `extraReadPaths` are added to the run
 * folder and the native packages' folders. Throws when the process cannot be spawned.
 */
export function spawnSandboxed(
  support: SandboxSupport,
  options: { folder: Pick<RunFolder, 'dir' | 'scriptPath'>; limits: SandboxLimits; env: NodeJS.ProcessEnv; extraReadPaths?: readonly string[] },
): { child: ChildProcess; readPaths: string[] } {
  const readPaths = [options.folder.dir, ...packageFolders(RUNNER_NATIVE_PACKAGES, import.meta.dirname), ...(options.extraReadPaths ?? [])]
  const cmd = sandboxCommand(support, { script: options.folder.scriptPath, readPaths, limits: options.limits })
  const child = spawn(cmd.command, cmd.args, { cwd: options.folder.dir, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: options.env })
  return { child, readPaths }
}

/** Folders of `names` and of everything they depend on (dependencies and optional ones that are installed). */
export function packageFolders(names: readonly string[], fromDir: string): string[] {
  const found = new Set<string>()
  const visit = (name: string, from: string) => {
    for (let dir = from; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name)
      if (existsSync(path.join(candidate, 'package.json'))) {
        // The permission model checks the real path a module is loaded from (node_modules may be a link).
        const real = realpathSync(candidate)
        if (found.has(real)) return
        found.add(real)
        const pkg = JSON.parse(readFileSync(path.join(candidate, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
        for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, candidate)
        return
      }
      if (path.dirname(dir) === dir) return
    }
  }
  for (const n of names) visit(n, fromDir)
  return [...found].sort()
}

/** Native packages the runner loads from node_modules instead of from its bundle. */
export const RUNNER_NATIVE_PACKAGES = ['onnxruntime-node', 'sharp'] as const

const bundles = new Map<string, Promise<string>>()

/**
 * `entry` and its imports as one CommonJS file (esbuild), the native packages left as `require`s
 * of their absolute paths, so it runs from any folder without a TypeScript loader. Built once per
 * entry and process (about 0.3 s).
 */
export function bundleScript(entry: string): Promise<string> {
  let b = bundles.get(entry)
  if (!b) {
    b = buildBundle(entry)
    bundles.set(entry, b)
    b.catch(() => bundles.delete(entry))
  }
  return b
}

async function buildBundle(entry: string): Promise<string> {
  const { build } = await import('esbuild')
  const req = createRequire(entry)
  const native = new RegExp(`^(${RUNNER_NATIVE_PACKAGES.join('|')})$`)
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    logLevel: 'silent',
    plugins: [{ name: 'native-packages', setup: (b) => b.onResolve({ filter: native }, (a) => ({ path: req.resolve(a.path), external: true })) }],
  })
  return out.outputFiles[0].text
}

export interface RunFolder {
  readonly dir: string
  readonly modelPath: string
  readonly imagePaths: readonly string[]
  readonly scriptPath: string
  /** Files copied because a hard link was not possible (another file system). */
  readonly copied: number
  cleanup(): Promise<void>
}

/** Hard link, else copy; true when it had to copy. */
async function linkOrCopy(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to)
    return false
  } catch {
    await copyFile(from, to)
    return true
  }
}

const RUN_FOLDER = /^arena-run-(\d+)-/

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Removes run folders left by processes that died mid-run (their pid is in the name). */
async function sweepRunFolders(parent: string): Promise<void> {
  const entries = await readdir(parent).catch(() => [] as string[])
  for (const name of entries) {
    const pid = Number(RUN_FOLDER.exec(name)?.[1] ?? NaN)
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) await rm(path.join(parent, name), { recursive: true, force: true })
  }
}

/**
 * A private folder (mode 0700) with the model, the images (numbered: their ids and paths stay
 * with the parent) and the script: hard links where the file system allows, else copies. Made in
 * `workDir` (default: the OS temp folder); a folder on the images' file system avoids copying a
 * whole test set per run. Folders of runs whose process died are removed first.
 */
export async function prepareRunFolder(options: { modelPath?: string; imagePaths: readonly string[]; script: string; workDir?: string }): Promise<RunFolder> {
  const parent = options.workDir ?? tmpdir()
  await mkdir(parent, { recursive: true, mode: 0o700 })
  await sweepRunFolders(parent)
  const dir = await mkdtemp(path.join(parent, `arena-run-${process.pid}-`))
  const cleanup = () => rm(dir, { recursive: true, force: true })
  try {
    await chmod(dir, 0o700)
    let copied = 0
    const modelPath = path.join(dir, 'model.onnx')
    if (options.modelPath !== undefined && (await linkOrCopy(options.modelPath, modelPath))) copied++
    await mkdir(path.join(dir, 'images'))
    const imagePaths: string[] = []
    for (const [i, p] of options.imagePaths.entries()) {
      const to = path.join(dir, 'images', `${String(i).padStart(6, '0')}${path.extname(p).slice(0, 8)}`)
      if (await linkOrCopy(p, to)) copied++
      imagePaths.push(to)
    }
    const scriptPath = path.join(dir, 'runner.cjs')
    await writeFile(scriptPath, options.script)
    return { dir, modelPath, imagePaths, scriptPath, copied, cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}
