// Applies the committed SQL migrations (prisma/migrations/<provider>/<name>/migration.sql).
//
// Prisma's `migrate deploy` needs a native engine that offline machines cannot download, so this
// small runner does the same job: it keeps Prisma's own `_prisma_migrations` bookkeeping table
// (same columns, sha256 checksums), applies each pending migration in a transaction, and takes a
// lock so that several processes starting at once apply each migration exactly once.
import { createHash, randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { repoRoot } from './config.ts'

import { providerOf, sqliteFile, type Provider } from './database-url.ts'

export type { Provider }

export interface Migration {
  name: string
  sql: string
  checksum: string
}

export interface MigrationStatus {
  applied: string[]
  pending: string[]
  /** Applied migrations whose file changed since: the database may not match the schema. */
  modified: string[]
}

const LOCK_ID = 727_073_690 // arbitrary constant for pg_advisory_xact_lock

export function listMigrations(provider: Provider, dir = path.join(/*turbopackIgnore: true*/ repoRoot, 'prisma/migrations', provider)): Migration[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(/*turbopackIgnore: true*/ dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(/*turbopackIgnore: true*/ dir, name, 'migration.sql'), 'utf8')
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

const CREATE_TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
}

interface AppliedRow {
  migration_name: string
  checksum: string
}

function statusFrom(migrations: Migration[], rows: AppliedRow[]): MigrationStatus {
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]))
  return {
    applied: migrations.filter((m) => applied.has(m.name)).map((m) => m.name),
    pending: migrations.filter((m) => !applied.has(m.name)).map((m) => m.name),
    modified: migrations.filter((m) => applied.has(m.name) && applied.get(m.name) !== m.checksum).map((m) => m.name),
  }
}

export interface ApplyOptions {
  url: string
  provider?: Provider
  log?: (line: string) => void
  migrations?: Migration[]
}

/** Applies pending migrations; returns the names applied now. Safe to run from several processes. */
export async function applyMigrations(opts: ApplyOptions): Promise<string[]> {
  const provider = opts.provider ?? providerOf(opts.url)
  const migrations = opts.migrations ?? listMigrations(provider)
  const log = opts.log ?? (() => {})
  return provider === 'sqlite' ? applySqlite(opts.url, migrations, log) : applyPostgres(opts.url, migrations, log)
}

function applySqlite(url: string, migrations: Migration[], log: (line: string) => void): string[] {
  mkdirSync(path.dirname(sqliteFile(url)), { recursive: true })
  const db = new Database(sqliteFile(url))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 10000')
    db.exec(CREATE_TABLE.sqlite)
    const done: string[] = []
    // BEGIN IMMEDIATE takes the write lock up front: a second process waits, then sees our rows.
    const run = db.transaction(() => {
      const rows = db.prepare('SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL').all() as AppliedRow[]
      for (const name of statusFrom(migrations, rows).pending) {
        const m = migrations.find((x) => x.name === name)!
        log(`applying migration ${m.name}`)
        db.exec(m.sql)
        db.prepare(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES (?, ?, ?, current_timestamp, current_timestamp, 1)`,
        ).run(randomUUID(), m.checksum, m.name)
        done.push(m.name)
      }
    })
    run.immediate()
    return done
  } finally {
    db.close()
  }
}

async function applyPostgres(url: string, migrations: Migration[], log: (line: string) => void): Promise<string[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID])
    await client.query(CREATE_TABLE.postgresql)
    const { rows } = await client.query<AppliedRow>('SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL')
    const done: string[] = []
    for (const name of statusFrom(migrations, rows).pending) {
      const m = migrations.find((x) => x.name === name)!
      log(`applying migration ${m.name}`)
      await client.query(m.sql)
      await client.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), m.checksum, m.name],
      )
      done.push(m.name)
    }
    await client.query('COMMIT')
    return done
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    await client.end()
  }
}

/** Which migrations the database has, without changing anything. */
export async function migrationStatus(url: string): Promise<MigrationStatus> {
  const provider = providerOf(url)
  const migrations = listMigrations(provider)
  if (provider === 'sqlite') {
    const file = sqliteFile(url)
    if (!existsSync(file)) return statusFrom(migrations, [])
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      const table = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name='_prisma_migrations'`).get()
      const rows = table ? (db.prepare('SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL').all() as AppliedRow[]) : []
      return statusFrom(migrations, rows)
    } finally {
      db.close()
    }
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows: t } = await client.query(`SELECT to_regclass('_prisma_migrations') AS t`)
    const rows = t[0]?.t ? (await client.query<AppliedRow>('SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL')).rows : []
    return statusFrom(migrations, rows)
  } finally {
    await client.end()
  }
}
