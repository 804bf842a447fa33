// The first organizer. Open sign-up only ever makes participants; an organizer comes from
//  - the command line: `arena users create --organizer`,
//  - ARENA_ADMIN_EMAIL: that account is promoted at start, or made organizer when it signs up,
//  - a one-time setup link that the server prints at start while no organizer exists: whoever
//    opens it and is signed in may make their account the organizer. The token is random, stored
//    as SHA-256, single-use, and every link dies once an organizer exists.
import { createHash, randomBytes } from 'node:crypto'
import { config } from '../platform/config.ts'
import { db } from '../platform/db.ts'
import { now } from '../platform/clock.ts'

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function organizerExists(): Promise<boolean> {
  return (await db().user.count({ where: { role: 'organizer' } })) > 0
}

/** The configured admin e-mail's role: organizer. */
export function isAdminEmail(email: string): boolean {
  const admin = config().adminEmail
  return admin !== undefined && admin === email.toLowerCase()
}

/** At start: promotes the ARENA_ADMIN_EMAIL account if it exists. Returns whether it did. */
export async function promoteAdminEmail(): Promise<boolean> {
  const admin = config().adminEmail
  if (!admin) return false
  const { count } = await db().user.updateMany({ where: { email: admin, role: 'participant' }, data: { role: 'organizer' } })
  return count > 0
}

/** A new setup token while no organizer exists (else null); only its digest is stored. */
export async function createSetupToken(): Promise<string | null> {
  if (await organizerExists()) {
    await db().setupToken.deleteMany({})
    return null
  }
  const token = randomBytes(24).toString('base64url')
  await db().setupToken.create({ data: { tokenHash: digest(token), createdAt: now() } })
  return token
}

/** Whether the token would still make someone organizer. */
export async function setupTokenValid(token: string): Promise<boolean> {
  if (!token || (await organizerExists())) return false
  return (await db().setupToken.count({ where: { tokenHash: digest(token) } })) === 1
}

/**
 * Makes the user organizer with a valid setup token; false when the token is unknown, used, or an
 * organizer exists already. Deleting the token row is the claim: of two concurrent claims one wins.
 */
export async function claimSetupToken(token: string, userId: string): Promise<boolean> {
  if (!token) return false
  return db().$transaction(async (tx) => {
    if ((await tx.user.count({ where: { role: 'organizer' } })) > 0) return false
    const { count } = await tx.setupToken.deleteMany({ where: { tokenHash: digest(token) } })
    if (count !== 1) return false
    await tx.user.update({ where: { id: userId }, data: { role: 'organizer' } })
    await tx.setupToken.deleteMany({})
    return true
  })
}
