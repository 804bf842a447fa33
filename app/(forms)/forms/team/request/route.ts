import { requireCompetition } from '@/lib/competitions/competitions'
import { badRequest } from '@/lib/errors'
import { decideTeamRequest, withdrawTeamRequest } from '@/lib/teams/requests'
import { handleForm, redirectTo } from '@/lib/web/forms'

/** The team page's buttons on a join or merge request: accept, decline (captain), withdraw (requester). */
export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    const competition = await requireCompetition(field('slug'))
    const back = `/competitions/${competition.slug}/team`
    const action = field('action')
    if (action === 'withdraw') {
      await withdrawTeamRequest(user, competition, field('requestId'))
      return redirectTo(request, back, { notice: 'Request withdrawn.' })
    }
    if (action !== 'accept' && action !== 'decline') throw badRequest('Unknown action')
    const done = await decideTeamRequest(user, competition, field('requestId'), action)
    const notice =
      action === 'decline'
        ? `Declined the request of ${done.who}.`
        : done.kind === 'join'
          ? `${done.who} joined your team.`
          : `Team ${done.who} merged into ${done.team.name}.`
    return redirectTo(request, back, { notice })
  })
}
