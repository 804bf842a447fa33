import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { joinCompetition } from '@/lib/teams/teams'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    const competition = await requireVisibleCompetition(field('slug'), user)
    await joinCompetition(user!, competition)
    return redirectTo(request, `/competitions/${competition.slug}/submit`, { notice: 'You joined the competition as a one-person team.' })
  })
}
