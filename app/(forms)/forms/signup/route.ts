import { signUpSchema } from '@/lib/accounts/auth'
import { SIGN_UP_ANSWER, signUp } from '@/lib/accounts/sign-in'
import { clientAddress } from '@/lib/web/client-address'
import { handleForm, redirectTo } from '@/lib/web/forms'
import { backToForm } from '../signin/back-to-form'

/** Every sign-up continues on the sign-in page, with the e-mail filled in (see SIGN_UP_ANSWER). */
export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/signup',
    async ({ field, returnTo }) => {
      const email = field('email').trim()
      try {
        const input = signUpSchema.parse({ email, name: field('name'), password: field('password') })
        await signUp(input, clientAddress(request))
        return redirectTo(request, '/signin', { email: input.email, returnTo: returnTo('/'), notice: SIGN_UP_ANSWER })
      } catch (err) {
        return backToForm(request, '/signup', err, { email, name: field('name').slice(0, 80), returnTo: returnTo('/') })
      }
    },
    { auth: 'none' },
  )
}
