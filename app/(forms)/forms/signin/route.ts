import { createSession } from '@/lib/accounts/auth'
import { signIn } from '@/lib/accounts/sign-in'
import { sessionCookie } from '@/lib/web/auth'
import { clientAddress } from '@/lib/web/client-address'
import { badRequest } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'
import { backToForm } from './back-to-form'

export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/signin',
    async ({ field, returnTo }) => {
      const email = field('email').trim()
      try {
        if (!email || !field('password')) throw badRequest('Enter your e-mail and password')
        const user = await signIn(email, field('password'), clientAddress(request))
        const s = await createSession(user.id)
        return redirectTo(request, returnTo('/'), {}, { 'set-cookie': sessionCookie(s.token, s.expiresAt) })
      } catch (err) {
        return backToForm(request, '/signin', err, { email, returnTo: returnTo('/') })
      }
    },
    { auth: 'none' },
  )
}
