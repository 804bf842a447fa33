// Writes a new migration for both databases: `npm run db:diff -- <name>`.
import path from 'node:path'
import { loadEngine, writeMigration } from './schema-diff.ts'

const root = path.resolve(import.meta.dirname, '..')
const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]/gi, '_')
if (!name) {
  console.error('usage: npm run db:diff -- <migration_name>')
  process.exit(2)
}
const engineModule = await loadEngine()
for (const provider of ['sqlite', 'postgresql'] as const) {
  const dir = await writeMigration(engineModule, provider, name)
  console.log(dir ? `${provider}: wrote ${path.relative(root, dir)}` : `${provider}: schema unchanged, no migration`)
}
