import type { Command } from '../command.ts'
import { UsageError } from '../command.ts'

export const serveCommand: Command = {
  path: ['serve'],
  summary: 'Serve the platform (web app, API and an in-process worker)',
  help: `Usage: arena serve [--port N] [--dev]

Applies migrations, seeds the demo competition into an empty database (ARENA_DEMO=0 to skip),
serves the web app and API on PORT (default 3000), and runs ARENA_INPROCESS_WORKERS (default 1)
worker loops in the same process. With REDIS_URL set, jobs go through BullMQ and any number of
\`arena worker\` processes may run elsewhere. While the platform has no organizer, the log shows
a one-time setup link (/setup?token=…) that makes whoever opens it, signed in, the organizer.

Options:
  --port N   port to listen on (default $PORT or 3000)
  --dev      Next.js development mode (hot reload)`,
  async run(args) {
    const portIndex = args.indexOf('--port')
    const port = portIndex >= 0 ? Number(args[portIndex + 1]) : undefined
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError('--port needs a port number')
    const { startServer } = await import('../../lib/web/server.ts')
    const server = await startServer({ dev: args.includes('--dev'), port })
    await new Promise<void>((resolve) => {
      const stop = () => resolve()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    console.log('Shutting down…')
    await server.close()
    return 0
  },
}
