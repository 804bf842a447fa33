import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { providerOf, type Provider } from './database-url.ts'

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
  /** Model submissions: a run's time limit is min(cap, base + per-image allowance × images). */
  ARENA_MODEL_BASE_SECONDS: z.coerce.number().positive().default(120),
  ARENA_MODEL_SECONDS_PER_IMAGE: z.coerce.number().positive().default(2),
  /** Model submissions: resident-memory cap of the model runner process. */
  ARENA_MODEL_MEMORY_MB: z.coerce.number().int().min(256).default(4096),
  /** Model submissions: ONNX Runtime threads (default: up to 4 of the machine's cores). */
  ARENA_MODEL_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  /** How long a worker owns a running job before another may take it over. */
  ARENA_JOB_LEASE_SECONDS: z.coerce.number().int().min(2).default(60),
  /** Minutes between sweeps for state a crash left behind (lib/jobs/sweep.ts); 0: only at start. */
  ARENA_SWEEP_MINUTES: z.coerce.number().min(0).default(5),
  ARENA_SESSION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Secure cookies (HTTPS deployments). */
  ARENA_SECURE_COOKIES: boolish.default(false),
  /** Reverse proxies in front of the server (0: none): only then are X-Forwarded-* headers believed. */
  ARENA_TRUST_PROXY: z.union([boolish.transform((b) => (b ? 1 : 0)), z.coerce.number().int().min(0).max(10)]).default(0),
  /** The account with this e-mail is the organizer (promoted at start, or when it signs up). */
  ARENA_ADMIN_EMAIL: z.email().transform((e) => e.toLowerCase()).optional(),
  /** Failed sign-ins per account, and per client address, in 15 minutes; sign-ups per address per hour; failed API-token uses per address in 15 minutes. */
  ARENA_SIGNIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  ARENA_SIGNIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  ARENA_SIGNUPS_PER_ADDRESS: z.coerce.number().int().min(1).default(10),
  ARENA_TOKEN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
  /** Uploads one user may stream at once (per web process). */
  ARENA_UPLOADS_PER_USER: z.coerce.number().int().min(1).default(2),
  /** Slowest accepted upload, in KiB/s over each 30-second window. */
  ARENA_UPLOAD_MIN_KBPS: z.coerce.number().min(0).default(8),
  /** A connection that sends nothing for this long is closed. */
  ARENA_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(60),
  /** smtp(s)://user:pass@host:port: password-reset links are also mailed. Unset: only printed/shown. */
  ARENA_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  ARENA_MAIL_FROM: z.string().default('Prompt Arena <no-reply@localhost>'),
})

export interface Config {
  dataDir: string
  databaseUrl: string
  databaseProvider: Provider
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
  modelBaseMs: number
  modelPerImageMs: number
  modelMemoryMb: number
  modelThreads: number
  jobLeaseMs: number
  sweepIntervalMs: number
  sessionDays: number
  secureCookies: boolean
  trustProxy: number
  adminEmail: string | undefined
  rateLimits: RateLimitSettings
  uploadsPerUser: number
  uploadMinBytesPerSecond: number
  idleTimeoutMs: number
  smtpUrl: string | undefined
  mailFrom: string
}

export interface RateLimitSettings {
  signInFailuresPerAccount: number
  signInFailuresPerAddress: number
  signUpsPerAddress: number
  tokenFailuresPerAddress: number
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
    databaseProvider: providerOf(databaseUrl),
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
    modelBaseMs: Math.round(e.ARENA_MODEL_BASE_SECONDS * 1000),
    modelPerImageMs: Math.round(e.ARENA_MODEL_SECONDS_PER_IMAGE * 1000),
    modelMemoryMb: e.ARENA_MODEL_MEMORY_MB,
    modelThreads: e.ARENA_MODEL_THREADS ?? Math.max(1, Math.min(4, availableParallelism())),
    jobLeaseMs: e.ARENA_JOB_LEASE_SECONDS * 1000,
    sweepIntervalMs: Math.round(e.ARENA_SWEEP_MINUTES * 60_000),
    sessionDays: e.ARENA_SESSION_DAYS,
    secureCookies: e.ARENA_SECURE_COOKIES,
    trustProxy: e.ARENA_TRUST_PROXY,
    adminEmail: e.ARENA_ADMIN_EMAIL,
    rateLimits: {
      signInFailuresPerAccount: e.ARENA_SIGNIN_FAILURES_PER_ACCOUNT,
      signInFailuresPerAddress: e.ARENA_SIGNIN_FAILURES_PER_ADDRESS,
      signUpsPerAddress: e.ARENA_SIGNUPS_PER_ADDRESS,
      tokenFailuresPerAddress: e.ARENA_TOKEN_FAILURES_PER_ADDRESS,
    },
    uploadsPerUser: e.ARENA_UPLOADS_PER_USER,
    uploadMinBytesPerSecond: e.ARENA_UPLOAD_MIN_KBPS * 1024,
    idleTimeoutMs: e.ARENA_IDLE_TIMEOUT_SECONDS * 1000,
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
