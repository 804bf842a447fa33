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

export const usersResetPasswordCommand: Command = {
  path: ['users', 'reset-password'],
  summary: 'Print a one-time password-reset link for an account',
  help: `Usage: arena users reset-password --email EMAIL [--url BASE_URL]

Prints a link that lets the account set a new password once, within one hour (only a digest of
it is stored). With ARENA_SMTP_URL set it is also mailed to the account; else pass it on yourself.
Works on the database of DATABASE_URL.

Options:
  --email EMAIL     the account
  --url BASE_URL    the platform's address in the link (default http://localhost:$PORT, PORT 3000)`,
  async run(args) {
    const { values } = flags(args, { email: { type: 'string' }, url: { type: 'string' } })
    const email = required(values.email, '--email')
    const base = values.url ?? `http://localhost:${process.env.PORT ?? '3000'}`
    if (!/^https?:\/\/[^/\s]+/.test(base)) throw new UsageError(`--url must be an http(s) address, not '${base}'`)
    const { createPasswordReset, resetLink } = await import('../../lib/accounts/password-reset.ts')
    const { mailResetLink } = await import('../../lib/accounts/mail.ts')
    const { config } = await import('../../lib/platform/config.ts')
    const { applyMigrations } = await import('../../lib/platform/migrate.ts')
    const { closeDb } = await import('../../lib/platform/db.ts')
    const { isApiError } = await import('../../lib/errors.ts')
    await applyMigrations({ url: config().databaseUrl })
    try {
      const reset = await createPasswordReset({ email })
      console.log(`Password-reset link for ${reset.user.name} <${reset.user.email}>, valid once until ${reset.expiresAt.toISOString()}:`)
      const link = resetLink(base, reset.token)
      console.log(link)
      const mail = await mailResetLink(reset.user, link, reset.expiresAt)
      if (mail.sent) console.log(`Mailed to ${reset.user.email}.`)
      else if (mail.reason === 'failed') console.error(`Mailing failed (${mail.error ?? 'unknown error'}); pass the link on yourself.`)
      return 0
    } catch (err) {
      if (isApiError(err)) throw new UsageError(err.message)
      throw err
    } finally {
      await closeDb()
    }
  },
}
