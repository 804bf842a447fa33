import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { badRequest } from '@/lib/errors'
import { requestMerge } from '@/lib/teams/requests'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    const competition = await requireVisibleCompetition(field('slug'), user)
    const code = field('inviteCode').trim()
    if (!code) throw badRequest('Enter the other team’s invite code')
    const asked = await requestMerge(user, competition, code)
    return redirectTo(request, `/competitions/${competition.slug}/team`, { notice: `Asked to merge into team ${asked.teamName}; its captain will accept or decline.` })
  })
}
