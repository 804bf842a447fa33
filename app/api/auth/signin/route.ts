import { z } from 'zod'
import { createSession, publicUser } from '@/lib/accounts/auth'
import { signIn } from '@/lib/accounts/sign-in'
import { sessionCookie } from '@/lib/web/auth'
import { clientAddress } from '@/lib/web/client-address'
import { handle, json, parseJson } from '@/lib/web/http'

const schema = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1000) })

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const { email, password } = await parseJson(request, schema)
    const user = await signIn(email, password, clientAddress(request))
    const session = await createSession(user.id)
    return json({ user: publicUser(user) }, 200, { 'set-cookie': sessionCookie(session.token, session.expiresAt) })
  })
}
