#!/usr/bin/env node
// Runs before `npm start`: everything a fresh clone needs that `npm install` did not do.
// Each step is skipped when its output is already current, so a restart is quick.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } })

function newestMtime(entries) {
  let newest = 0
  const visit = (p) => {
    if (!existsSync(p)) return
    const s = statSync(p)
    if (s.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'node_modules' && e !== 'generated') visit(path.join(p, e))
    } else newest = Math.max(newest, s.mtimeMs)
  }
  for (const e of entries) visit(path.join(root, e))
  return newest
}

// 1. Prisma clients (postinstall makes them; a checkout switch may have changed the schema).
const generated = path.join(root, 'lib/generated/sqlite/client.ts')
if (!existsSync(generated) || statSync(generated).mtimeMs < newestMtime(['prisma/schema.prisma'])) {
  console.log('› generating Prisma clients')
  run(process.execPath, ['scripts/generate.js'])
}

// 2. The production build of the web app, when sources are newer than the last build.
const buildId = path.join(root, '.next/BUILD_ID')
const sources = ['app', 'lib', 'scoring', 'public', 'next.config.js', 'package-lock.json', 'tsconfig.json']
if (!existsSync(buildId) || statSync(buildId).mtimeMs < newestMtime(sources)) {
  console.log('› building the web app (next build)')
  run(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'])
}

// 3. The embedding model (a no-op when the prepared copy's checksums match).
if (process.env.ARENA_SKIP_MODELS !== '1') {
  run(process.execPath, ['bin/arena.js', 'models', 'prepare'])
}
