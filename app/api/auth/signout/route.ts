import { destroySession } from '@/lib/accounts/auth'
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from '@/lib/web/auth'
import { assertSameOrigin } from '@/lib/web/csrf'
import { handle, json } from '@/lib/web/http'

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    assertSameOrigin(request)
    const token = readCookie(request, SESSION_COOKIE)
    if (token) await destroySession(token)
    return json({ ok: true }, 200, { 'set-cookie': clearedSessionCookie() })
  })
}
