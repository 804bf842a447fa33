import { signUpSchema } from '@/lib/accounts/auth'
import { SIGN_UP_ANSWER, signUp } from '@/lib/accounts/sign-in'
import { clientAddress } from '@/lib/web/client-address'
import { handleForm, redirectTo } from '@/lib/web/forms'

/** Every sign-up continues on the sign-in page, with the e-mail filled in (see SIGN_UP_ANSWER). */
export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/signup',
    async ({ field, returnTo }) => {
      const input = signUpSchema.parse({ email: field('email').trim(), name: field('name'), password: field('password') })
      await signUp(input, clientAddress(request))
      return redirectTo(request, '/signin', { email: input.email, returnTo: returnTo('/'), notice: SIGN_UP_ANSWER })
    },
    { auth: 'none' },
  )
}
