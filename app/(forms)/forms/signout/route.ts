import { destroySession } from '@/lib/accounts/auth'
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from '@/lib/web/auth'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/',
    async () => {
      const token = readCookie(request, SESSION_COOKIE)
      if (token) await destroySession(token)
      return redirectTo(request, '/', {}, { 'set-cookie': clearedSessionCookie() })
    },
    { auth: 'none' },
  )
}
