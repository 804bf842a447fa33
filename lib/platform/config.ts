import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { z } from 'zod'

/**
 * The repository root. Under tsx, this file sits in lib/platform/, two folders below it; inside Next.js's server bundle
 * module paths point into .next/, so the server process publishes the root as ARENA_ROOT first.
 */
function findRoot(): string {
  if (process.env.ARENA_ROOT) return process.env.ARENA_ROOT
  const here = typeof import.meta.dirname === 'string' ? path.resolve(import.meta.dirname, '..', '..') : undefined
  if (here && existsSync(path.join(/*turbopackIgnore: true*/ here, 'prisma', 'schema.prisma'))) return here
  return process.cwd()
}

export const repoRoot = findRoot()

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v))

const schema = z.object({
  /** Data folder of the embedded default: SQLite file, uploads, truth files. */
  ARENA_DATA_DIR: z.string().min(1).default('data'),
  /** `file:…` for SQLite (default `file:<data dir>/arena.db`) or `postgres://…`. */
  DATABASE_URL: z
    .string()
    .refine((u) => /^(file:|postgres(ql)?:\/\/)/.test(u), 'DATABASE_URL must start with file: or postgres://')
    .optional(),
  /** When set, jobs go through BullMQ on this Redis; otherwise the database is the queue. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must start with redis://').optional(),
  /** Key prefix of the BullMQ queue in Redis (several platforms, or a load test, can share one Redis). */
  ARENA_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'ARENA_REDIS_PREFIX may hold letters, digits, _ . - only').default('arena'),
  /** Where prepared models live; then ./models, then ../shared/models. */
  ARENA_MODELS_DIR: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Worker loops started inside `arena serve` (0: leave the jobs to `arena worker` processes). */
  ARENA_INPROCESS_WORKERS: z.coerce.number().int().min(0).max(16).default(1),
  /** Seed the demo competition into an empty database at start. */
  ARENA_DEMO: boolish.default(true),
  ARENA_UPLOAD_LIMIT_MB: z.coerce.number().positive().default(500),
  ARENA_MODEL_UPLOAD_LIMIT_MB: z.coerce.number().positive().default(1024),
  /** Model submissions: wall-time cap for loading the model and embedding every hidden image. */
  ARENA_MODEL_WALL_SECONDS: z.coerce.number().positive().default(1800),
  /** Model submissions: resident-memory cap of the model runner process. */
  ARENA_MODEL_MEMORY_MB: z.coerce.number().int().min(256).default(4096),
  /** Model submissions: ONNX Runtime threads (default: up to 4 of the machine's cores). */
  ARENA_MODEL_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  /** How long a worker owns a running job before another may take it over. */
  ARENA_JOB_LEASE_SECONDS: z.coerce.number().int().min(2).default(60),
  ARENA_SESSION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Secure cookies (HTTPS deployments). */
  ARENA_SECURE_COOKIES: boolish.default(false),
  /** smtp(s)://user:pass@host:port: password-reset links are also mailed. Unset: only printed/shown. */
  ARENA_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  ARENA_MAIL_FROM: z.string().default('Prompt Arena <no-reply@localhost>'),
})

export type Env = z.input<typeof schema>

export interface Config {
  dataDir: string
  databaseUrl: string
  databaseProvider: 'sqlite' | 'postgresql'
  redisUrl: string | undefined
  redisPrefix: string
  modelsDir: string | undefined
  port: number
  host: string
  inProcessWorkers: number
  demo: boolean
  uploadLimitBytes: number
  modelUploadLimitBytes: number
  modelWallTimeMs: number
  modelMemoryMb: number
  modelThreads: number
  jobLeaseMs: number
  sessionDays: number
  secureCookies: boolean
  smtpUrl: string | undefined
  mailFrom: string
}

export class ConfigError extends Error {}

/** Reads and validates settings from an environment (process.env by default). Pure: no caching. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = schema.safeParse(blankAsUnset)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`Invalid settings:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const dataDir = path.resolve(repoRoot, e.ARENA_DATA_DIR)
  const databaseUrl = e.DATABASE_URL ?? `file:${path.join(dataDir, 'arena.db')}`
  return {
    dataDir,
    databaseUrl,
    databaseProvider: databaseUrl.startsWith('file:') ? 'sqlite' : 'postgresql',
    redisUrl: e.REDIS_URL,
    redisPrefix: e.ARENA_REDIS_PREFIX,
    modelsDir: e.ARENA_MODELS_DIR ? path.resolve(repoRoot, e.ARENA_MODELS_DIR) : undefined,
    port: e.PORT,
    host: e.HOST,
    inProcessWorkers: e.ARENA_INPROCESS_WORKERS,
    demo: e.ARENA_DEMO,
    uploadLimitBytes: Math.round(e.ARENA_UPLOAD_LIMIT_MB * 1024 * 1024),
    modelUploadLimitBytes: Math.round(e.ARENA_MODEL_UPLOAD_LIMIT_MB * 1024 * 1024),
    modelWallTimeMs: Math.round(e.ARENA_MODEL_WALL_SECONDS * 1000),
    modelMemoryMb: e.ARENA_MODEL_MEMORY_MB,
    modelThreads: e.ARENA_MODEL_THREADS ?? Math.max(1, Math.min(4, availableParallelism())),
    jobLeaseMs: e.ARENA_JOB_LEASE_SECONDS * 1000,
    sessionDays: e.ARENA_SESSION_DAYS,
    secureCookies: e.ARENA_SECURE_COOKIES,
    smtpUrl: e.ARENA_SMTP_URL,
    mailFrom: e.ARENA_MAIL_FROM,
  }
}

let cached: Config | undefined

/** The process-wide settings, read once. */
export function config(): Config {
  cached ??= loadConfig()
  return cached
}
