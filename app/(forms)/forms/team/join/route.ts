import { requestToJoin } from '@/lib/teams/requests'
import { badRequest } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    const code = field('inviteCode').trim()
    if (!code) throw badRequest('Enter an invite code')
    const { competition, request: asked } = await requestToJoin(user, code)
    return redirectTo(request, `/competitions/${competition.slug}/team`, { notice: `Asked to join team ${asked.teamName}; its captain will accept or decline.` })
  })
}
