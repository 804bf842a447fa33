// Accounts: email + password (lib/accounts/passwords.ts), browser sessions by random cookie,
// personal API tokens. Only SHA-256 digests of session cookies and API tokens are stored, so a
// database leak does not hand out live credentials.
import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import { config } from '../platform/config.ts'
import { db, type ApiToken, type User } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { conflict, forbidden, isUniqueViolation } from '../errors.ts'
import { hashPassword, needsRehash, setBcryptCost, verifyPassword } from './passwords.ts'
import { displayNameSchema } from './names.ts'
import { isAdminEmail } from './setup.ts'

export const TOKEN_PREFIX = 'pa_'

/** Tests lower the bcrypt cost so that sign-ups stay fast. */
export function configureAuth(options: { bcryptCost?: number }): void {
  if (options.bcryptCost !== undefined) setBcryptCost(options.bcryptCost)
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** The public part of a user: never the password hash. */
export interface PublicUser {
  id: string
  email: string
  name: string
  role: User['role']
  createdAt: Date
}

export function publicUser(u: User): PublicUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt }
}

export const signUpSchema = z.object({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  name: displayNameSchema(80),
  password: z.string().min(8, 'Password must be at least 8 characters').max(200),
})
export type SignUpInput = z.output<typeof signUpSchema>

/**
 * Creates an account: a participant, unless `organizer: true` (CLI `users create --organizer`) or
 * the e-mail is ARENA_ADMIN_EMAIL. Open sign-up never makes the first account an organizer: see
 * lib/accounts/setup.ts for how a platform gets its first one.
 */
export async function createUser(input: SignUpInput & { organizer?: boolean }): Promise<User> {
  const passwordHash = await hashPassword(input.password)
  try {
    return await db().user.create({
      data: { email: input.email, name: input.name, passwordHash, role: input.organizer || isAdminEmail(input.email) ? 'organizer' : 'participant', createdAt: now() },
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('An account with this email already exists', 'email_taken')
    throw err
  }
}

let dummyHash: string | undefined

/** The user for an email and password, or null (same answer for unknown email, bad password and a disabled account). */
export async function authenticate(email: string, password: string): Promise<User | null> {
  const user = await db().user.findUnique({ where: { email: email.toLowerCase() } })
  if (!user) {
    // Spend the same time as a real check so response times do not reveal which emails exist.
    dummyHash ??= await hashPassword('not a password')
    await verifyPassword(password, dummyHash)
    return null
  }
  if (!(await verifyPassword(password, user.passwordHash)) || user.disabledAt) return null
  if (needsRehash(user.passwordHash)) {
    return db().user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } })
  }
  return user
}

function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

export interface NewSession {
  token: string
  expiresAt: Date
}

export async function createSession(userId: string): Promise<NewSession> {
  const token = randomToken()
  const expiresAt = new Date(now().getTime() + config().sessionDays * 86_400_000)
  await db().session.create({ data: { userId, tokenHash: sha256(token), expiresAt, createdAt: now() } })
  return { token, expiresAt }
}

export async function destroySession(token: string): Promise<void> {
  await db().session.deleteMany({ where: { tokenHash: sha256(token) } })
}

export interface NewApiToken {
  /** The full secret: shown once, never stored. */
  token: string
  record: ApiTokenView
}

export interface ApiTokenView {
  id: string
  name: string
  prefix: string
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

function tokenView(t: ApiToken): ApiTokenView {
  return { id: t.id, name: t.name, prefix: t.prefix, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt }
}

export async function createApiToken(userId: string, name: string): Promise<NewApiToken> {
  const token = `${TOKEN_PREFIX}${randomToken()}`
  const record = await db().apiToken.create({
    data: { userId, name, prefix: token.slice(0, TOKEN_PREFIX.length + 6), tokenHash: sha256(token), createdAt: now() },
  })
  return { token, record: tokenView(record) }
}

export async function listApiTokens(userId: string): Promise<ApiTokenView[]> {
  const rows = await db().apiToken.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } })
  return rows.map(tokenView)
}

/** Revokes one of the user's own tokens; false when it is not theirs or already revoked. */
export async function revokeApiToken(userId: string, id: string): Promise<boolean> {
  const { count } = await db().apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: now() } })
  return count === 1
}

// lastUsedAt is informational: writing it at most once a minute keeps reads from becoming writes.
const LAST_USED_RESOLUTION_MS = 60_000

/** The owner of a live (not revoked) API token, or null (also when the account is disabled). */
export async function userForApiToken(token: string): Promise<User | null> {
  const row = await db().apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } })
  if (!row || row.revokedAt || row.user.disabledAt) return null
  const t = now()
  if (!row.lastUsedAt || t.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: t } })
  }
  return row.user
}

/** The user of an unexpired browser session, or null (also when the account is disabled). */
export async function userForSession(token: string): Promise<User | null> {
  const session = await db().session.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } })
  if (!session || session.expiresAt <= now() || session.user.disabledAt) return null
  return session.user
}

/** Organizer-only actions call this with the signed-in user. */
export function assertOrganizer(user: Pick<User, 'role'>): void {
  if (user.role !== 'organizer') throw forbidden('Only organizers may do this')
}
