// Issue 11, item 3: the model runner child has no network, reads only its run folder and the
// native packages, and dies with its parent. Each check is skipped only where this machine lacks
// the mechanism, with the reason in the test's name; under CI (root on Debian) none is skipped.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleScript, prepareRunFolder, sandboxSupport, spawnSandboxed } from '../../scoring/model/sandbox.ts'
import { waitFor } from '../helpers/app.ts'
import { POOLED, poolProjectModel, seededFloats } from './onnx-builder.ts'

const support = await sandboxSupport()
const inCi = Boolean(process.env.CI)
const why = support.notes.join('; ')
const LIMITS = { addressSpaceBytes: 8 * 1024 ** 3, cpuSeconds: 60, fileSizeBytes: 1024 * 1024 }
const PROBE = path.join(import.meta.dirname, 'fixtures', 'sandbox-probe.ts')
const PARENT = path.join(import.meta.dirname, 'fixtures', 'runner-parent.ts')

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'arena-sandbox-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function messages(child: ChildProcess): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    child.on('message', (m: Record<string, unknown>) => {
      if (!m.ready) resolve(m as Record<string, string>)
    })
    child.on('exit', (code, signal) => reject(new Error(`probe exited (${code ?? signal})`)))
  })
}

describe('model runner sandbox', () => {
  let server: Server
  let connections = 0
  let port = 0
  beforeAll(async () => {
    server = createServer((s) => {
      connections++
      s.destroy()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as { port: number }).port
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  /** What the probe reported from inside the sandbox, and whether the control connection worked. */
  let out: Record<string, string> = {}
  let control = false
  beforeAll(async () => {
    const secret = path.join(dir, 'truth-secret.csv')
    writeFileSync(secret, 'img_0_0,0.123456\n')
    const image = path.join(dir, 'in.png')
    writeFileSync(image, 'inside the run folder')
    const folder = await prepareRunFolder({ imagePaths: [image], script: await bundleScript(PROBE) })
    try {
      const { child } = spawnSandboxed(support, { folder, limits: LIMITS, env: { PATH: process.env.PATH, NODE_ENV: 'test' } })
      const done = messages(child)
      child.send({ secret, inside: folder.imagePaths[0], port })
      out = await done
    } finally {
      await folder.cleanup()
    }
    // Control: the server is reachable from outside the sandbox.
    control = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
  })

  it('cannot read or write outside its run folder (it reads its own folder)', () => {
    expect(out.inside).toBe('inside the run folder')
    expect(out.secret).toBe('denied ERR_ACCESS_DENIED')
    expect(out.write).toBe('denied ERR_ACCESS_DENIED')
  })

  it.skipIf(!support.netns && !inCi)(`cannot connect to a loopback server${support.netns ? '' : ` (skipped: ${why})`}`, () => {
    expect(control).toBe(true)
    expect(out.connect).not.toBe('connected')
    expect(connections).toBe(1) // the control connection only
  })

  it.skipIf(process.platform !== 'linux')('a runner is gone within seconds after its parent is killed with SIGKILL', async () => {
    const model = path.join(dir, 'slow.onnx')
    writeFileSync(model, poolProjectModel({ weights: seededFloats(POOLED * 384, 7), outDim: 384, heavyMatMuls: 400 }))
    const image = path.join(dir, 'slow.png')
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png().toFile(image)
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const parent = spawn(process.execPath, ['--import', tsx, PARENT, model, image, image], { stdio: ['ignore', 'pipe', 'inherit'] })
    let log = ''
    parent.stdout?.on('data', (c: Buffer) => (log += c.toString()))
    try {
      const runner = await waitFor('the runner child', async () => childOf(parent.pid ?? -1), 30_000)
      // It is busy on the model (the run takes minutes).
      await new Promise((r) => setTimeout(r, 500))
      expect(alive(runner)).toBe(true)
      process.kill(parent.pid ?? -1, 'SIGKILL')
      await waitFor(`runner ${runner} to exit after its parent died`, async () => !alive(runner), 5_000)
      expect(log).toMatch(support.pdeathsig ? /killed with its parent/ : /exits when its IPC channel closes/)
    } finally {
      if (parent.exitCode === null) parent.kill('SIGKILL')
    }
  })
})

/** The pid of a process whose parent is `ppid` (Linux /proc). */
function childOf(ppid: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[1]) === ppid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('runner.cjs')) return Number(entry)
    } catch {
      // exited meanwhile
    }
  }
  return undefined
}

/** Running (not gone, not a zombie waiting to be reaped). */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

describe('prepareRunFolder', () => {
  it('hard links the files on one file system, and removes folders of runs whose process died', async () => {
    const work = path.join(dir, 'runs')
    const image = path.join(dir, 'linked.png')
    writeFileSync(image, 'pixels')
    const first = await prepareRunFolder({ imagePaths: [image], script: '', workDir: work })
    // A folder left by a killed worker (no such pid) goes; a live run's (this process) stays.
    mkdirSync(path.join(work, 'arena-run-999999999-dead'))
    const second = await prepareRunFolder({ imagePaths: [image], script: '', workDir: work })
    try {
      expect(first.copied).toBe(0)
      expect(statSync(first.imagePaths[0]).ino).toBe(statSync(image).ino)
      expect(existsSync(path.join(work, 'arena-run-999999999-dead'))).toBe(false)
      expect(existsSync(first.dir)).toBe(true)
      expect(statSync(second.dir).mode & 0o777).toBe(0o700)
    } finally {
      await first.cleanup()
      await second.cleanup()
    }
  })
})
