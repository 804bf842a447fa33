// Computes and writes migrations for both databases (used by `npm run db:diff -- <name>`).
//
// Prisma's CLI needs a native schema engine that cannot be downloaded on offline machines, so this
// drives the schema engine's wasm build through the driver adapters. Each migration folder keeps a
// snapshot of the schema it produces; the engine diffs that snapshot against prisma/schema.prisma
// (no database needed) and the SQL is written in Prisma's migrations layout.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { listMigrations, type Provider } from '../lib/platform/migrate.ts'

const root = path.resolve(import.meta.dirname, '..')

interface WasmEngine {
  diff(params: object): Promise<{ stdout: string | null }>
}
export interface EngineModule {
  __wbg_set_wasm(exports: WebAssembly.Exports): void
  SchemaEngine: { new: (options: object, log: (m: string) => void, adapter: object) => Promise<WasmEngine> }
}

export async function loadEngine(): Promise<EngineModule> {
  const require = createRequire(import.meta.url)
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'))
  const bg = (await import(path.join(dir, 'schema_engine_bg.js'))) as EngineModule
  const { instance } = await WebAssembly.instantiate(readFileSync(path.join(dir, 'schema_engine_bg.wasm')), {
    './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
  })
  bg.__wbg_set_wasm(instance.exports)
  ;(instance.exports.__wbindgen_start as () => void)()
  return bg
}

/** The schema as of the newest migration: saved beside each migration, so diffs need no database. */
function lastSnapshot(provider: Provider): string | undefined {
  const last = listMigrations(provider).at(-1)
  if (!last) return undefined
  const file = path.join(root, 'prisma/migrations', provider, last.name, 'schema.prisma')
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined
}

function adapterFor(provider: Provider): SqlMigrationAwareDriverAdapterFactory {
  // The engine wants an adapter even for a datamodel-to-datamodel diff; it never queries it here.
  return provider === 'sqlite'
    ? new PrismaBetterSqlite3({ url: ':memory:' })
    : new PrismaPg({ connectionString: process.env.DIFF_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' })
}

/** SQL that turns the newest migration's schema into prisma/schema.prisma ('' when equal). */
export async function pendingDiff(engineModule: EngineModule, provider: Provider): Promise<string> {
  const schemaPath = path.join(root, provider === 'sqlite' ? 'prisma/sqlite/schema.prisma' : 'prisma/schema.prisma')
  const content = readFileSync(schemaPath, 'utf8')
  const engine = await engineModule.SchemaEngine.new({ datamodels: [[schemaPath, content]] }, () => {}, bindMigrationAwareSqlAdapterFactory(adapterFor(provider)))
  const previous = lastSnapshot(provider)
  if (previous === undefined && listMigrations(provider).length > 0) throw new Error(`the newest ${provider} migration has no schema.prisma snapshot`)
  const from = previous === undefined ? { tag: 'empty' } : { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: previous }] }
  const result = await engine.diff({ from, to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content }] }, script: true, exitCode: null, filters: { externalTables: [], externalEnums: [] } })
  const sql = (result.stdout ?? '').trim()
  return /^(-- This is an empty migration\.?)?$/.test(sql) ? '' : sql
}

export async function writeMigration(engineModule: EngineModule, provider: Provider, name: string): Promise<string | null> {
  const sql = await pendingDiff(engineModule, provider)
  if (sql === '') return null
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
  const dir = path.join(root, 'prisma/migrations', provider, `${stamp}_${name}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'migration.sql'), `${sql}\n`)
  const schemaPath = path.join(root, provider === 'sqlite' ? 'prisma/sqlite/schema.prisma' : 'prisma/schema.prisma')
  writeFileSync(path.join(dir, 'schema.prisma'), readFileSync(schemaPath, 'utf8'))
  writeFileSync(path.join(root, 'prisma/migrations', provider, 'migration_lock.toml'), `provider = "${provider}"\n`)
  return dir
}

