import type { Command } from '../command.ts'
import { intOption, parseOptions } from '../args.ts'

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
    const { values } = parseOptions(args, { port: { type: 'string' }, dev: { type: 'boolean' } })
    const port = values.port === undefined ? undefined : intOption(values.port, '--port', 0, { min: 1, max: 65535 })
    const { startServer } = await import('../../lib/web/server.ts')
    const server = await startServer({ dev: values.dev === true, port })
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
