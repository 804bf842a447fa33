import { createSession, createUser, signUpSchema } from '@/lib/accounts/auth'
import { sessionCookie } from '@/lib/web/auth'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/signup',
    async ({ field, returnTo }) => {
      const input = signUpSchema.parse({ email: field('email').trim(), name: field('name'), password: field('password') })
      const user = await createUser(input)
      const s = await createSession(user.id)
      return redirectTo(request, returnTo('/'), { notice: `Welcome, ${user.name}!` }, { 'set-cookie': sessionCookie(s.token, s.expiresAt) })
    },
    { auth: false },
  )
}
