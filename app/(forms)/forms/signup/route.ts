import { createSession, createUser, signUpSchema } from '@/lib/accounts/auth'
import { sessionCookie } from '@/lib/web/auth'
import { handleForm, redirectTo } from '@/lib/web/forms'
import { backToForm } from '../signin/back-to-form'

export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/signup',
    async ({ field, returnTo }) => {
      const email = field('email').trim()
      try {
        const input = signUpSchema.parse({ email, name: field('name'), password: field('password') })
        const user = await createUser(input)
        const s = await createSession(user.id)
        return redirectTo(request, returnTo('/'), { notice: `Welcome, ${user.name}!` }, { 'set-cookie': sessionCookie(s.token, s.expiresAt) })
      } catch (err) {
        return backToForm(request, '/signup', err, { email, name: field('name').slice(0, 80), returnTo: returnTo('/') })
      }
    },
    { auth: false },
  )
}
