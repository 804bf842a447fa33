import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { leaveTeam } from '@/lib/teams/teams'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    const competition = await requireVisibleCompetition(field('slug'), user)
    await leaveTeam(user, competition)
    return redirectTo(request, `/competitions/${competition.slug}`, { notice: 'You left the team.' })
  })
}
