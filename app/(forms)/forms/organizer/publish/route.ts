// The console's Publish / Unpublish buttons (field `action`: publish | unpublish).
import { publishCompetition, unpublishCompetition } from '@/lib/competitions/publish'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/organizer', async ({ field }) => {
    if (field('action') === 'unpublish') {
      const c = await unpublishCompetition(field('slug'))
      return redirectTo(request, `/organizer/${c.slug}`, { notice: 'The competition is a draft again: only organizers see it.' })
    }
    const c = await publishCompetition(field('slug'))
    return redirectTo(request, `/organizer/${c.slug}`, { notice: 'Published: participants can now see and join the competition.' })
  }, { auth: 'organizer' })
}
