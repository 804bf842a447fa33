// The setup link's button (app/setup/page.tsx): the signed-in user becomes the first organizer.
import { claimSetupToken } from '@/lib/accounts/setup'
import { forbidden } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    if (!(await claimSetupToken(field('token'), user.id))) throw forbidden('This setup link is no longer valid: an organizer exists already, or the link was used')
    return redirectTo(request, '/organizer', { notice: 'You are the organizer of this platform.' })
  })
}
