import { requireCompetition } from '@/lib/competitions/competitions'
import { rescoreCompetition } from '@/lib/submissions/scoring-jobs'
import { forbidden } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/organizer', async ({ field, user }) => {
    if (user?.role !== 'organizer') throw forbidden('Only organizers may do this')
    const c = await requireCompetition(field('slug'))
    const { queued } = await rescoreCompetition(c)
    return redirectTo(request, `/organizer/${c.slug}`, { notice: queued === 0 ? 'Nothing to rescore: no scored submissions yet.' : `${queued} submission(s) queued for rescoring.` })
  })
}
