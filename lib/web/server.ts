// The platform process: migrations, demo seed, the Next.js app and the in-process worker.
import next from 'next'
import { config, repoRoot } from '../platform/config.ts'
import { applyMigrations } from '../platform/migrate.ts'
import { closeDb } from '../platform/db.ts'
import { queue } from '../queue/index.ts'
import { jobHandlers } from '../jobs/index.ts'
import { startSweeping } from '../jobs/sweep.ts'
import type { RunningWorker } from '../queue/types.ts'
import { createSetupToken, promoteAdminEmail } from '../accounts/setup.ts'
import { closeRateLimits } from '../accounts/rate-limit.ts'
import { createNodeServer } from './node-server.ts'

export interface ServeOptions {
  dev?: boolean
  port?: number
  log?: (line: string) => void
}

export interface RunningServer {
  url: string
  close(): Promise<void>
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  process.env.ARENA_ROOT ??= repoRoot
  const cfg = config()
  const log = options.log ?? ((line: string) => console.log(line))
  const applied = await applyMigrations({ url: cfg.databaseUrl, log })
  if (applied.length > 0) log(`database: applied ${applied.length} migration(s)`)
  if (cfg.demo) {
    const { seedDemo } = await import('../demo/demo.ts')
    await seedDemo({ log })
  }

  const app = next({ dev: options.dev ?? false, dir: repoRoot, hostname: cfg.host, port: options.port ?? cfg.port })
  await app.prepare()
  const handle = app.getRequestHandler()
  const server = createNodeServer((req, res) => void handle(req, res), { trustProxy: cfg.trustProxy, idleTimeoutMs: cfg.idleTimeoutMs })
  const port = options.port ?? cfg.port
  await new Promise<void>((resolve) => server.listen(port, cfg.host, resolve))

  const workers: RunningWorker[] = []
  // Each in-process worker runs one CSV loop and one model loop (lib/queue/pools.ts).
  for (let i = 0; i < cfg.inProcessWorkers; i++) workers.push(await queue().startWorker(jobHandlers))
  // State a crash left behind (orphaned versions and submissions, partial files): now and every ARENA_SWEEP_MINUTES.
  const sweep = startSweeping({ log })
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  const url = `http://localhost:${actualPort}`
  log(`Prompt Arena on ${url} (${cfg.databaseProvider}, queue: ${queue().mode}, in-process workers: ${workers.length})`)
  if (await promoteAdminEmail()) log(`accounts: ${cfg.adminEmail} is now an organizer (ARENA_ADMIN_EMAIL)`)
  const setupToken = await createSetupToken()
  if (setupToken) {
    log(`accounts: no organizer yet. To become the organizer, open ${url}/setup?token=${setupToken} and sign up or sign in there (the link works once, until an organizer exists); or run: npx arena users create --organizer …`)
  }

  return {
    url,
    async close() {
      sweep.stop()
      await Promise.all(workers.map((w) => w.stop()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await app.close?.()
      await queue().close()
      await closeRateLimits()
      await closeDb()
    },
  }
}
