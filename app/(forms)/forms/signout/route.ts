import { clearedSessionCookie, destroySession, readCookie, SESSION_COOKIE } from '@/lib/auth'
import { handleForm, redirectTo } from '@/lib/views/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/',
    async () => {
      const token = readCookie(request, SESSION_COOKIE)
      if (token) await destroySession(token)
      return redirectTo(request, '/', {}, { 'set-cookie': clearedSessionCookie() })
    },
    { auth: false },
  )
}
