import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { selectSubmissions } from '@/lib/submissions/selection'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/', async ({ form, field, user }) => {
    const competition = await requireVisibleCompetition(field('slug'), user)
    const ids = form.getAll('submissionId').filter((v): v is string => typeof v === 'string')
    const selected = await selectSubmissions(user, competition, ids)
    const notice = selected.length === 0 ? 'No submission selected: your best public submissions will count.' : `${selected.length} submission(s) selected for the final leaderboard.`
    return redirectTo(request, `/competitions/${competition.slug}/submissions`, { notice })
  })
}
