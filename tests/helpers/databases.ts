/**
 * Test databases for integration tests: every provider the platform supports, each fresh and
 * migrated, torn down afterwards.
 *
 *   import { forEachDatabase } from '../helpers/databases.ts'
 *
 *   forEachDatabase((t) => {
 *     it('stores a user', async () => {
 *       await t.db.user.create({ data: { … } })   // t.db: Prisma client (type Db)
 *     })
 *   })
 *
 * `forEachDatabase(fn)` wraps `fn` in one `describe` per provider ('sqlite', 'postgresql'); the
 * database is created in beforeAll and dropped in afterAll, so tests in a file share it (use
 * unique names/ids, or clean up). Inside `fn`, read `t.db` / `t.url` / `t.provider` only inside
 * hooks and tests (they are set in beforeAll).
 *
 * `createTestDatabase(provider)` is the building block, for tests that need their own database
 * or several clients (`createDb(t.url)` opens another connection to the same database).
 *
 * - SQLite: a temp file under the OS temp dir, removed afterwards.
 * - PostgreSQL: `CREATE DATABASE arena_test_<random>` on the server of TEST_DATABASE_URL (default
 *   postgres://postgres@127.0.0.1:5432/postgres), dropped (WITH (FORCE)) afterwards.
 * - TEST_DATABASES=sqlite (or postgresql, or both comma-separated) limits the providers; by default
 *   both run, and an unreachable PostgreSQL fails the tests rather than silently skipping them.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe } from 'vitest'
import { createDb, type Db } from '../../lib/platform/db.ts'
import { applyMigrations, type Provider } from '../../lib/platform/migrate.ts'

export type { Provider }

export interface TestDatabase {
  readonly provider: Provider
  /** DATABASE_URL of the fresh database (hand it to child processes). */
  readonly url: string
  /** A client on it, closed by drop(). */
  readonly db: Db
  /** Disconnects the client and deletes the database. */
  drop(): Promise<void>
}

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

/** Providers to test, from TEST_DATABASES (default: both). */
export function testProviders(): Provider[] {
  const raw = process.env.TEST_DATABASES?.trim()
  if (!raw) return ['sqlite', 'postgresql']
  const list = raw.split(',').map((s) => s.trim())
  for (const p of list) if (p !== 'sqlite' && p !== 'postgresql') throw new Error(`TEST_DATABASES: unknown provider '${p}'`)
  return list as Provider[]
}

/** A URL on the same PostgreSQL server as TEST_DATABASE_URL, with another database name. */
function pgUrl(database: string): string {
  const u = new URL(process.env.TEST_DATABASE_URL || DEFAULT_PG_URL)
  u.pathname = `/${database}`
  return u.toString()
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl('postgres') })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'arena-test-'))
    const url = `file:${path.join(dir, 'test.db')}`
    await applyMigrations({ url })
    const db = createDb(url)
    return {
      provider,
      url,
      db,
      async drop() {
        await db.$disconnect()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  // Generated name: only [a-z0-9_], so it is safe to put in the SQL text.
  const name = `arena_test_${randomBytes(6).toString('hex')}`
  await adminQuery(`CREATE DATABASE ${name}`)
  const url = pgUrl(name)
  try {
    await applyMigrations({ url })
  } catch (err) {
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    throw err
  }
  const db = createDb(url)
  return {
    provider,
    url,
    db,
    async drop() {
      await db.$disconnect()
      // FORCE: a child process killed mid-test may have left connections behind.
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

/** Mutable handle filled in beforeAll: read its fields inside tests and hooks only. */
export interface DatabaseHandle {
  provider: Provider
  url: string
  db: Db
}

/** Runs `fn` once per provider, inside `describe(provider)`, with a fresh migrated database. */
export function forEachDatabase(fn: (t: DatabaseHandle) => void, providers: Provider[] = testProviders()): void {
  for (const provider of providers) {
    describe(provider, () => {
      let created: TestDatabase | undefined
      const handle = { provider } as DatabaseHandle
      beforeAll(async () => {
        created = await createTestDatabase(provider)
        handle.url = created.url
        handle.db = created.db
      })
      afterAll(async () => {
        await created?.drop()
      })
      fn(handle)
    })
  }
}
