// The reset page's form: a one-time token and the new password; then sign in with it.
import { resetPassword } from '@/lib/accounts/password-reset'
import { badRequest } from '@/lib/errors'
import { handleForm, messageOf, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/reset',
    async ({ field }) => {
      const token = field('token')
      if (field('password') !== field('confirm')) {
        return redirectTo(request, '/reset', { token, error: 'The two passwords differ' })
      }
      if (!token) throw badRequest('This reset link is incomplete')
      try {
        await resetPassword(token, field('password'))
      } catch (err) {
        return redirectTo(request, '/reset', { token, error: messageOf(err) })
      }
      return redirectTo(request, '/signin', { notice: 'Your password was changed; sign in with the new one.' })
    },
    { auth: 'none' },
  )
}
