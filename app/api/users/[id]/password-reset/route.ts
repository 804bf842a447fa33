import { requireOrganizer } from '@/lib/web/auth'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { createPasswordReset, resetLink } from '@/lib/accounts/password-reset'
import { mailResetLink } from '@/lib/accounts/mail'
import { publicOrigin } from '@/lib/web/reset-flash'

/** Organizer: a one-time password-reset link for the account (valid 1 h), mailed too where SMTP is set. */
export async function POST(request: Request, ctx: RouteContext<{ id: string }>): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    const reset = await createPasswordReset({ userId: (await ctx.params).id })
    const link = resetLink(publicOrigin(request), reset.token)
    const mail = await mailResetLink(reset.user, link, reset.expiresAt)
    return json({ link, expiresAt: reset.expiresAt.toISOString(), mailed: mail.sent }, 201)
  })
}
