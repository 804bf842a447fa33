// What the participant commands share: the saved login (URL + API token), API calls with
// readable errors, and option parsing.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'
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

/** The saved login, or null when there is none (a damaged file is an error, not "no login"). */
export function savedCliConfig(): Partial<CliConfig> | null {
  let raw: string
  try {
    raw = readFileSync(configPath(), 'utf8')
  } catch {
    return null
  }
  let parsed: Partial<CliConfig>
  try {
    parsed = JSON.parse(raw) as Partial<CliConfig>
  } catch {
    throw new UsageError(`${configPath()} is not a valid arena config; run arena login again`)
  }
  return {
    ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}),
    ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}),
  }
}

export type CredentialSource = 'environment' | 'config file'

/**
 * The login the commands use: ARENA_URL and ARENA_TOKEN (as Kaggle's KAGGLE_USERNAME/KAGGLE_KEY)
 * win over the saved file, each on its own, so CI can set only the token.
 */
export function resolveCliConfig(): CliConfig & { sources: { url: CredentialSource; token: CredentialSource } } {
  const saved = savedCliConfig() ?? {}
  const url = process.env.ARENA_URL || saved.url
  const token = process.env.ARENA_TOKEN || saved.token
  if (!url || !token) {
    throw new UsageError(`not logged in: run \`arena login --url URL --token -\` (or set ARENA_URL and ARENA_TOKEN) first (config: ${configPath()})`)
  }
  return {
    url: url.replace(/\/+$/, ''),
    token,
    sources: { url: process.env.ARENA_URL ? 'environment' : 'config file', token: process.env.ARENA_TOKEN ? 'environment' : 'config file' },
  }
}

export function readCliConfig(): CliConfig {
  const { url, token } = resolveCliConfig()
  return { url, token }
}

export function writeCliConfig(config: CliConfig): string {
  const file = configPath()
  mkdirSync(path.dirname(file), { recursive: true })
  // The token is a credential: readable by the owner only.
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })
  return file
}

/** Removes the saved login; false when there was none. */
export function removeCliConfig(): boolean {
  try {
    unlinkSync(configPath())
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
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

/** The competition a request is about, from its path (`/api/competitions/SLUG/…`). */
function slugOf(pathAndQuery: string): string | undefined {
  const m = /^\/api\/competitions\/([^/?]+)/.exec(pathAndQuery)
  return m ? decodeURIComponent(m[1]) : undefined
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
      if (code === 'not_joined') message = `you have not joined this competition: run \`arena join -c ${slugOf(pathAndQuery) ?? 'SLUG'}\` first`
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

// The one option parser (bin/args.ts); `flags` is its older name, still used by some commands.
export { parseOptions as flags, required } from '../args.ts'

export function formatScore(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : v.toFixed(5)
}

/** Plain fixed-width table for terminals (widths in characters, so `…` counts as one). */
export function table(header: string[], rows: (string | number)[][], align: ('left' | 'right')[] = []): string {
  const cells = [header, ...rows.map((r) => r.map(String))]
  const len = (s: string) => Array.from(s).length
  const widths = header.map((_, i) => Math.max(...cells.map((r) => len(r[i] ?? ''))))
  const pad = (c: string, i: number) => {
    const fill = ' '.repeat(Math.max(0, widths[i] - len(c)))
    return align[i] === 'right' ? fill + c : c + fill
  }
  return cells.map((r) => r.map(pad).join('  ').trimEnd()).join('\n')
}

/**
 * The CLI's one date format: `2026-11-29 20:15 UTC`. UTC because the platform's daily limits
 * reset at 00:00 UTC and the same file is read on machines in any zone.
 */
export function formatTime(iso: string | Date | null | undefined): string {
  if (iso === null || iso === undefined) return '-'
  const t = typeof iso === 'string' ? new Date(iso) : iso
  if (Number.isNaN(t.getTime())) return String(iso)
  return `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** `text` cut to `width` characters, the last one an ellipsis when cut. */
export function truncate(text: string, width: number): string {
  const chars = Array.from(text)
  if (chars.length <= width) return text
  return width <= 1 ? '…'.slice(0, width) : `${chars.slice(0, width - 1).join('')}…`
}
