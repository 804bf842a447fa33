// What the participant commands share: the saved login (URL + API token), API calls with
// readable errors, and option parsing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from '../command.ts'

export interface CliConfig {
  url: string
  token: string
}

/** ARENA_CONFIG, else ~/.config/prompt-arena/config.json (XDG_CONFIG_HOME respected). */
export function configPath(): string {
  if (process.env.ARENA_CONFIG) return path.resolve(process.env.ARENA_CONFIG)
  const base = process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config')
  return path.join(base, 'prompt-arena', 'config.json')
}

export function readCliConfig(): CliConfig {
  let raw: string
  try {
    raw = readFileSync(configPath(), 'utf8')
  } catch {
    throw new UsageError(`not logged in: run \`arena login --url URL --token TOKEN\` first (config: ${configPath()})`)
  }
  const parsed = JSON.parse(raw) as Partial<CliConfig>
  if (typeof parsed.url !== 'string' || typeof parsed.token !== 'string') throw new UsageError(`${configPath()} is not a valid arena config; run arena login again`)
  return { url: parsed.url, token: parsed.token }
}

export function writeCliConfig(config: CliConfig): string {
  const file = configPath()
  mkdirSync(path.dirname(file), { recursive: true })
  // The token is a credential: readable by the owner only.
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })
  return file
}

/** An API answer with an error status; its message is the server's. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiFailure'
  }
}

export class ApiClient {
  constructor(readonly config: CliConfig) {}

  url(pathAndQuery: string): string {
    return new URL(pathAndQuery, this.config.url.endsWith('/') ? this.config.url : `${this.config.url}/`).toString()
  }

  async request(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    headers.set('authorization', `Bearer ${this.config.token}`)
    let res: Response
    try {
      res = await fetch(this.url(pathAndQuery), { ...init, headers })
    } catch (err) {
      throw new UsageError(`cannot reach ${this.config.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`)
    }
    if (!res.ok) {
      let code = 'http_error'
      let message = `${res.status} ${res.statusText}`
      try {
        const body = (await res.json()) as { error?: { code?: string; message?: string } }
        code = body.error?.code ?? code
        message = body.error?.message ?? message
      } catch {
        // not JSON: keep the status line
      }
      throw new ApiFailure(res.status, code, message)
    }
    return res
  }

  async json<T>(pathAndQuery: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.request(pathAndQuery, init)).json()) as T
  }
}

export function client(): ApiClient {
  return new ApiClient(readCliConfig())
}

/** Runs a participant command: API failures print as `arena <cmd>: message` and exit 2. */
export async function withApi(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof ApiFailure) throw new UsageError(err.message)
    throw err
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

export function flags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

export function required(value: string | boolean | undefined, name: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${name} is required`)
  return value
}

export function formatScore(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : v.toFixed(5)
}

/** Plain fixed-width table for terminals. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n')
}
