import { defineConfig } from 'vitest/config'
import path from 'node:path'

// Browser tests: a production build of the platform served on a free port with a fresh data
// folder, driven by playwright-core through Debian's Chromium. `tests/e2e/global-setup.ts`
// builds the app when the build is missing or stale.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
})
