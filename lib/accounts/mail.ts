// Mailing a password-reset link when the platform has SMTP settings (ARENA_SMTP_URL, sent from
// ARENA_MAIL_FROM) through nodemailer; without them nothing is sent and the link is only printed
// (CLI) or shown once to the organizer (console).
import nodemailer from 'nodemailer'
import { config } from '../platform/config.ts'
import type { User } from '../platform/db.ts'

export type MailOutcome = { sent: true } | { sent: false; reason: 'not_configured' | 'failed'; error?: string }

export async function mailResetLink(user: Pick<User, 'email' | 'name'>, link: string, expiresAt: Date): Promise<MailOutcome> {
  const { smtpUrl, mailFrom } = config()
  if (!smtpUrl) return { sent: false, reason: 'not_configured' }
  const transport = nodemailer.createTransport(smtpUrl)
  try {
    await transport.sendMail({
      from: mailFrom,
      to: `${user.name} <${user.email}>`,
      subject: 'Set a new password for Prompt Arena',
      text: `Hello ${user.name},\n\nan organizer issued a link to set a new password for your account. It works once, until ${expiresAt.toISOString()}:\n\n${link}\n\nIf you did not ask for it, ignore this mail.\n`,
    })
    return { sent: true }
  } catch (err) {
    return { sent: false, reason: 'failed', error: err instanceof Error ? err.message : String(err) }
  } finally {
    transport.close()
  }
}
