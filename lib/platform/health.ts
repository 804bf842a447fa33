import { config } from './config.ts'
import { db } from './db.ts'
import { migrationStatus } from './migrate.ts'
import { storage } from './storage.ts'
import { findModelDir } from './embedder-dir.ts'

export interface HealthCheck {
  ok: boolean
  detail: string
}

export interface HealthReport {
  ok: boolean
  checks: {
    database: HealthCheck
    migrations: HealthCheck & { pending: string[] }
    storage: HealthCheck
    queue: HealthCheck & { mode: 'embedded' | 'redis' }
    models: HealthCheck & { dir: string | null }
  }
}

async function attempt(fn: () => Promise<string>): Promise<HealthCheck> {
  try {
    return { ok: true, detail: await fn() }
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) }
  }
}

/** What `GET /api/health` reports. Models missing is reported but does not make the service unhealthy. */
export async function healthReport(): Promise<HealthReport> {
  const cfg = config()
  const database = await attempt(async () => {
    await db().$queryRawUnsafe('SELECT 1')
    return cfg.databaseProvider
  })
  let pending: string[] = []
  const migrations = await attempt(async () => {
    const status = await migrationStatus(cfg.databaseUrl)
    pending = status.pending
    if (status.modified.length > 0) throw new Error(`applied migrations changed since: ${status.modified.join(', ')}`)
    if (status.pending.length > 0) throw new Error(`${status.pending.length} pending: run npm run db:migrate`)
    return `${status.applied.length} applied, none pending`
  })
  const storageCheck = await attempt(async () => {
    await storage().checkWritable()
    return storage().kind
  })
  const mode = cfg.redisUrl ? 'redis' : 'embedded'
  const modelDir = findModelDir()
  return {
    ok: database.ok && migrations.ok && storageCheck.ok,
    checks: {
      database,
      migrations: { ...migrations, pending },
      storage: storageCheck,
      queue: { ok: true, detail: mode === 'redis' ? 'BullMQ on Redis' : 'jobs in the database, in-process worker', mode },
      models: { ok: modelDir !== null, detail: modelDir ?? 'all-MiniLM-L6-v2 not found: run npm run models:prepare', dir: modelDir },
    },
  }
}
