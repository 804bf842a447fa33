// One-time password-reset links. The link carries a random token; only its SHA-256 is stored, it
// expires after RESET_TTL_MS and works once. Links are handed out by an organizer (console or
// `arena users reset-password`); no mail is sent: the organizer passes the printed link on.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { db, type User } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { badRequest, notFound } from '../errors.ts'
import { sha256 } from './auth.ts'
import { hashPassword } from './passwords.ts'

/** A link is valid for one hour. */
export const RESET_TTL_MS = 60 * 60 * 1000

export const newPasswordSchema = z.string().min(8, 'Password must be at least 8 characters').max(200)

export interface NewPasswordReset {
  /** The secret for the link: shown once, never stored. */
  token: string
  expiresAt: Date
  user: Pick<User, 'id' | 'email' | 'name'>
}

/** The page a reset token opens. */
export function resetLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/reset?token=${encodeURIComponent(token)}`
}

/** A new one-time reset token for the account with this id or email (404 when there is none). */
export async function createPasswordReset(who: { userId: string } | { email: string }): Promise<NewPasswordReset> {
  const user = await db().user.findUnique({ where: 'userId' in who ? { id: who.userId } : { email: who.email.toLowerCase() } })
  if (!user) throw notFound('No account with this email')
  const token = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now().getTime() + RESET_TTL_MS)
  await db().passwordReset.create({ data: { userId: user.id, tokenHash: sha256(token), expiresAt, createdAt: now() } })
  return { token, expiresAt, user: { id: user.id, email: user.email, name: user.name } }
}

const INVALID = 'This reset link is invalid, expired or already used; ask an organizer for a new one'

/** The account a reset token is for, or a 400 when it is unknown, expired or used. */
export async function checkPasswordReset(token: string): Promise<Pick<User, 'id' | 'email' | 'name'>> {
  const row = await db().passwordReset.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } })
  if (!row || row.usedAt || row.expiresAt <= now() || row.user.disabledAt) throw badRequest(INVALID, 'invalid_reset_token')
  return { id: row.user.id, email: row.user.email, name: row.user.name }
}

/**
 * Sets the new password and uses the token up (once: a second use, even concurrent, fails), and
 * signs the account out everywhere (its sessions are deleted; API tokens stay).
 */
export async function resetPassword(token: string, password: string): Promise<Pick<User, 'id' | 'email' | 'name'>> {
  const parsed = newPasswordSchema.parse(password)
  const user = await checkPasswordReset(token)
  const passwordHash = await hashPassword(parsed)
  const used = await db().$transaction(async (tx) => {
    const { count } = await tx.passwordReset.updateMany({ where: { tokenHash: sha256(token), usedAt: null, expiresAt: { gt: now() } }, data: { usedAt: now() } })
    if (count !== 1) return false
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } })
    await tx.session.deleteMany({ where: { userId: user.id } })
    return true
  })
  if (!used) throw badRequest(INVALID, 'invalid_reset_token')
  return user
}
