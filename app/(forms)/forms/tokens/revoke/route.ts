import { revokeApiToken } from '@/lib/accounts/auth'
import { notFound } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/account/tokens', async ({ field, user }) => {
    if (!(await revokeApiToken(user.id, field('id')))) throw notFound('No such active token')
    return redirectTo(request, '/account/tokens', { notice: 'Token revoked.' })
  })
}
