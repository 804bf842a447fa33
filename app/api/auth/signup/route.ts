import { createSession, createUser, publicUser, signUpSchema } from '@/lib/accounts/auth'
import { sessionCookie } from '@/lib/web/auth'
import { handle, json, parseJson } from '@/lib/web/http'

/** Creates an account and signs it in (session cookie). */
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const input = await parseJson(request, signUpSchema)
    const user = await createUser(input)
    const session = await createSession(user.id)
    return json({ user: publicUser(user) }, 201, { 'set-cookie': sessionCookie(session.token, session.expiresAt) })
  })
}
