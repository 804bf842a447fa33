import type { Command } from '../command.ts'
import { parseOptions } from '../args.ts'
import { config } from '../../lib/platform/config.ts'
import { applyMigrations, migrationStatus } from '../../lib/platform/migrate.ts'

export const dbMigrateCommand: Command = {
  path: ['db', 'migrate'],
  summary: 'Apply pending database migrations (SQLite or PostgreSQL, from DATABASE_URL)',
  help: `Usage: arena db migrate [--status]

Applies the committed migrations in prisma/migrations/<provider>/ to the database named by
DATABASE_URL (default: the SQLite file data/arena.db). Safe to run from several processes at once.

Options:
  --status   list applied and pending migrations without changing anything`,
  async run(args) {
    const { values } = parseOptions(args, { status: { type: 'boolean' } })
    const url = config().databaseUrl
    if (values.status) {
      const s = await migrationStatus(url)
      console.log(`applied: ${s.applied.length}${s.applied.map((n) => `\n  ${n}`).join('')}`)
      console.log(`pending: ${s.pending.length}${s.pending.map((n) => `\n  ${n}`).join('')}`)
      if (s.modified.length > 0) console.log(`modified since applied: ${s.modified.join(', ')}`)
      return s.pending.length === 0 && s.modified.length === 0 ? 0 : 1
    }
    const applied = await applyMigrations({ url, log: (line) => console.error(line) })
    console.log(applied.length === 0 ? 'Database is up to date.' : `Applied ${applied.length} migration(s).`)
    return 0
  },
}
