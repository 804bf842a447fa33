// Account administration: an organizer changes roles and disables accounts; every user edits their
// own name and password. A disabled account cannot sign in and its sessions and API tokens stop
// working (userForSession/userForApiToken/authenticate in ./auth.ts check disabledAt).
import { z } from 'zod'
import { db, type Role, type User } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import { newPasswordSchema } from './password-reset.ts'

async function requireUserById(id: string): Promise<User> {
  const user = await db().user.findUnique({ where: { id } })
  if (!user) throw notFound('No such account')
  return user
}

/** Sets a user's role. An organizer cannot demote themselves (the console would lock them out). */
export async function setRole(actor: Pick<User, 'id'>, userId: string, role: Role): Promise<User> {
  const user = await requireUserById(userId)
  if (actor.id === userId && role !== 'organizer') throw conflict('You cannot remove your own organizer role', 'self_demotion')
  return db().user.update({ where: { id: user.id }, data: { role } })
}

/**
 * Disables (or enables again) an account. Disabling deletes its sessions; its API tokens are kept
 * but refused while it is disabled. An organizer cannot disable themselves.
 */
export async function setDisabled(actor: Pick<User, 'id'>, userId: string, disabled: boolean): Promise<User> {
  const user = await requireUserById(userId)
  if (actor.id === userId && disabled) throw conflict('You cannot disable your own account', 'self_disable')
  if (!disabled) return db().user.update({ where: { id: user.id }, data: { disabledAt: null } })
  const [updated] = await db().$transaction([
    db().user.update({ where: { id: user.id }, data: { disabledAt: user.disabledAt ?? now() } }),
    db().session.deleteMany({ where: { userId: user.id } }),
  ])
  return updated
}

export const profileSchema = z.object({ name: z.string().trim().min(1, 'Name must not be empty').max(80) })

export async function updateProfile(userId: string, input: z.input<typeof profileSchema>): Promise<User> {
  const { name } = profileSchema.parse(input)
  return db().user.update({ where: { id: userId }, data: { name } })
}

/** Changes the own password after checking the current one; other sessions stay signed in. */
export async function changePassword(userId: string, current: string, next: string): Promise<void> {
  const password = newPasswordSchema.parse(next)
  const user = await requireUserById(userId)
  if (!(await verifyPassword(current, user.passwordHash))) throw badRequest('The current password is wrong', 'wrong_password')
  await db().user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } })
}
