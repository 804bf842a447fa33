import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { joinAcceptingRules } from '@/lib/competitions/rules'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    const competition = await requireVisibleCompetition(field('slug'), user)
    await joinAcceptingRules(user, competition, field('acceptRules') === 'yes')
    return redirectTo(request, `/competitions/${competition.slug}/submit`, { notice: 'You joined the competition as a one-person team.' })
  })
}
