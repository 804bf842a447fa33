import { requireCompetition } from '@/lib/competitions/competitions'
import { rescoreCompetition } from '@/lib/submissions/scoring-jobs'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/organizer', async ({ field }) => {
    const c = await requireCompetition(field('slug'))
    const { queued } = await rescoreCompetition(c)
    return redirectTo(request, `/organizer/${c.slug}`, { notice: queued === 0 ? 'Nothing to rescore: no scored submissions yet.' : `${queued} submission(s) queued for rescoring.` })
  }, { auth: 'organizer' })
}
