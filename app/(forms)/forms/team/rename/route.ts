import { requireCompetition } from '@/lib/competitions/competitions'
import { renameTeam } from '@/lib/teams/requests'
import { teamNameSchema } from '@/lib/teams/names'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ field, user }) => {
    const competition = await requireCompetition(field('slug'))
    const team = await renameTeam(user, competition, teamNameSchema.parse(field('name')))
    return redirectTo(request, `/competitions/${competition.slug}/team`, { notice: `Your team is now called ${team.name}.` })
  })
}
