import { updateProfile } from '@/lib/accounts/admin'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/account', async ({ field, user }) => {
    await updateProfile(user.id, { name: field('name') })
    return redirectTo(request, '/account', { notice: 'Your name was saved.' })
  })
}
