// The users console: field `action` = role (with `role`), disable, enable or reset (a one-time
// password-reset link, shown once on the users page).
import { z } from 'zod'
import { setDisabled, setRole } from '@/lib/accounts/admin'
import { createPasswordReset, resetLink } from '@/lib/accounts/password-reset'
import { mailResetLink } from '@/lib/accounts/mail'
import { badRequest } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'
import { flashResetCookie, publicOrigin } from '@/lib/web/reset-flash'

const BACK = '/organizer/users'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, BACK, async ({ field, user }) => {
    const userId = field('userId')
    switch (field('action')) {
      case 'role': {
        const u = await setRole(user, userId, z.enum(['participant', 'organizer']).parse(field('role')))
        return redirectTo(request, BACK, { notice: `${u.name} is now ${u.role === 'organizer' ? 'an organizer' : 'a participant'}.` })
      }
      case 'disable': {
        const u = await setDisabled(user, userId, true)
        return redirectTo(request, BACK, { notice: `${u.name}'s account is disabled: signed out everywhere, API tokens refused.` })
      }
      case 'enable': {
        const u = await setDisabled(user, userId, false)
        return redirectTo(request, BACK, { notice: `${u.name}'s account is enabled again.` })
      }
      case 'reset': {
        const reset = await createPasswordReset({ userId })
        const link = resetLink(publicOrigin(request), reset.token)
        const mail = await mailResetLink(reset.user, link, reset.expiresAt)
        const notice: Record<string, string> = mail.sent ? { notice: `The link was also mailed to ${reset.user.email}.` } : mail.reason === 'failed' ? { error: 'Mailing the link failed; pass it on yourself.' } : {}
        return redirectTo(request, BACK, notice, { 'set-cookie': flashResetCookie(link) })
      }
      default:
        throw badRequest('Unknown action')
    }
  }, { auth: 'organizer' })
}
