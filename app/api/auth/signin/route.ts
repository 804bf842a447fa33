import { z } from 'zod'
import { authenticate, createSession, publicUser } from '@/lib/accounts/auth'
import { sessionCookie } from '@/lib/web/auth'
import { handle, json, parseJson } from '@/lib/web/http'
import { ApiError } from '@/lib/errors'

const schema = z.object({ email: z.string().min(1), password: z.string().min(1) })

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const { email, password } = await parseJson(request, schema)
    const user = await authenticate(email, password)
    if (!user) throw new ApiError(401, 'invalid_credentials', 'Wrong email or password')
    const session = await createSession(user.id)
    return json({ user: publicUser(user) }, 200, { 'set-cookie': sessionCookie(session.token, session.expiresAt) })
  })
}
