import { createApiToken } from '@/lib/accounts/auth'
import { badRequest } from '@/lib/errors'
import { flashTokenCookie } from '@/lib/web/token-flash'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/account/tokens', async ({ field, user }) => {
    const name = field('name').trim()
    if (!name || name.length > 100) throw badRequest('Give the token a name (at most 100 characters)')
    const { token } = await createApiToken(user.id, name)
    return redirectTo(request, '/account/tokens', { notice: 'Token created. Copy it now: it will not be shown again.' }, { 'set-cookie': flashTokenCookie(token) })
  })
}
