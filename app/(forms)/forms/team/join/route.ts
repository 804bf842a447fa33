import { joinTeamByCode } from '@/lib/teams/teams'
import { badRequest } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    const code = field('inviteCode').trim()
    if (!code) throw badRequest('Enter an invite code')
    const { competition, team } = await joinTeamByCode(user!, code)
    return redirectTo(request, `/competitions/${competition.slug}/team`, { notice: `You joined team ${team.name}.` })
  })
}
