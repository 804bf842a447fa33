// Makes sure a current production build exists before the browser tests start the platform:
// scripts/prepare.js builds only when sources are newer than .next/BUILD_ID (models are not
// needed: the tests import their test set with the shared embedding model).
import { execFileSync } from 'node:child_process'
import path from 'node:path'

export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '../..')
  execFileSync(process.execPath, ['scripts/prepare.js'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ARENA_SKIP_MODELS: '1', NEXT_TELEMETRY_DISABLED: '1' },
  })
}
