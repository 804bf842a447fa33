import type { Command } from '../command.ts'
import { UsageError } from '../command.ts'
import { formatZodIssues } from '../../lib/errors.ts'
import { flags, required } from './client.ts'

export const usersCreateCommand: Command = {
  path: ['users', 'create'],
  summary: 'Create an account directly in the database (e.g. the first organizer)',
  help: `Usage: arena users create --email EMAIL --name NAME --password PASSWORD [--organizer]

Works on the database of DATABASE_URL (default: the SQLite file in ARENA_DATA_DIR), applying
pending migrations first. Sign-up on the web only ever makes participants: this command (with
--organizer), ARENA_ADMIN_EMAIL, or the setup link the server prints at start makes an organizer.

Options:
  --email EMAIL         sign-in email
  --name NAME           display name (also the default team name)
  --password PASSWORD   at least 8 characters
  --organizer           make the account an organizer`,
  async run(args) {
    const { values } = flags(args, { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, organizer: { type: 'boolean' } })
    const { signUpSchema, createUser } = await import('../../lib/accounts/auth.ts')
    const parsed = signUpSchema.safeParse({ email: required(values.email, '--email'), name: required(values.name, '--name'), password: required(values.password, '--password') })
    if (!parsed.success) throw new UsageError(formatZodIssues(parsed.error))
    const { config } = await import('../../lib/platform/config.ts')
    const { applyMigrations } = await import('../../lib/platform/migrate.ts')
    const { closeDb } = await import('../../lib/platform/db.ts')
    await applyMigrations({ url: config().databaseUrl })
    try {
      const user = await createUser({ ...parsed.data, organizer: values.organizer === true })
      console.log(`Created ${user.role} ${user.name} <${user.email}> (${user.id})`)
      return 0
    } catch (err) {
      if ((err as Error).name === 'ApiError') throw new UsageError((err as Error).message)
      throw err
    } finally {
      await closeDb()
    }
  },
}
