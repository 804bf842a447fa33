import { changePassword } from '@/lib/accounts/admin'
import { badRequest } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/account', async ({ field, user }) => {
    if (field('password') !== field('confirm')) throw badRequest('The two new passwords differ')
    await changePassword(user.id, field('current'), field('password'))
    return redirectTo(request, '/account', { notice: 'Your password was changed.' })
  })
}
