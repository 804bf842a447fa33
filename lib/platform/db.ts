// The one database client of the platform.
//
// Prisma binds a generated client to one provider, so both are generated from the same schema
// (scripts/generate.js) and the one matching DATABASE_URL is built here. Their query APIs are the
// same because the schema is provider-neutral; the rest of the code sees the PostgreSQL client's
// types, which is why the SQLite client is cast once, below, and nowhere else.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.ts'
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.ts'
import { config } from './config.ts'
import { providerOf, sqliteFile } from './database-url.ts'
import { mkdirSync } from 'node:fs'
import path from 'node:path'

export type Db = PostgresClient
export type { Prisma } from '../generated/postgresql/client.ts'
export type * from '../generated/postgresql/client.ts'

export function createDb(url: string): Db {
  if (providerOf(url) === 'sqlite') {
    mkdirSync(path.dirname(sqliteFile(url)), { recursive: true })
    // WAL + busy timeout: the server and an in-process worker write concurrently.
    const adapter = new PrismaBetterSqlite3({ url, timeout: 10_000 })
    return new SqliteClient({ adapter }) as unknown as Db
  }
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url, max: 20 }) })
}

// Next.js bundles route handlers separately from the server entry; keeping the client on
// globalThis gives both one connection pool per process.
const holder = globalThis as typeof globalThis & { __arenaDb?: Db }

export function db(): Db {
  holder.__arenaDb ??= createDb(config().databaseUrl)
  return holder.__arenaDb
}

export async function closeDb(): Promise<void> {
  const current = holder.__arenaDb
  holder.__arenaDb = undefined
  await current?.$disconnect()
}
