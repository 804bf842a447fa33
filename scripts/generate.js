#!/usr/bin/env node
// Generates the Prisma clients for both databases from prisma/schema.prisma.
//
// One schema, two providers: Prisma binds a generated client to one provider, so the SQLite
// variant is derived here by swapping the provider and the output folder. `prisma generate` needs
// no native engine, but the CLI insists on a schema-engine path being set; any file will do since
// generate never runs it (the real engine cannot be downloaded on offline machines).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = path.join(root, 'prisma/schema.prisma')
const sqliteSchema = path.join(root, 'prisma/sqlite/schema.prisma')

export function deriveSqliteSchema(text) {
  const out = text
    .replace(/provider\s*=\s*"postgresql"/, 'provider = "sqlite"')
    .replace('output       = "../lib/generated/postgresql"', 'output       = "../../lib/generated/sqlite"')
  if (!out.includes('provider = "sqlite"') || !out.includes('lib/generated/sqlite')) {
    throw new Error('prisma/schema.prisma no longer has the expected datasource/generator lines')
  }
  return `// GENERATED from prisma/schema.prisma by scripts/generate.js: do not edit.\n${out}`
}

function main() {
  mkdirSync(path.dirname(sqliteSchema), { recursive: true })
  writeFileSync(sqliteSchema, deriveSqliteSchema(readFileSync(source, 'utf8')))
  const prisma = path.join(root, 'node_modules/prisma/build/index.js')
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' }
  for (const schema of [source, sqliteSchema]) {
    execFileSync(process.execPath, [prisma, 'generate', '--schema', schema], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
