import { signUpSchema } from '@/lib/accounts/auth'
import { SIGN_UP_ANSWER, signUp } from '@/lib/accounts/sign-in'
import { clientAddress } from '@/lib/web/client-address'
import { handle, json, parseJson } from '@/lib/web/http'

/**
 * Creates an account; sign in afterwards (POST /api/auth/signin). The answer is the same 202
 * whether or not the e-mail was registered already, so it does not reveal who has an account.
 */
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const input = await parseJson(request, signUpSchema)
    await signUp(input, clientAddress(request))
    return json({ message: SIGN_UP_ANSWER }, 202)
  })
}
