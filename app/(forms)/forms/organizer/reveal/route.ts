import { revealPrivateLeaderboard } from '@/lib/competitions/admin'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/organizer', async ({ field }) => {
    if (field('confirm') !== 'yes') return redirectTo(request, `/organizer/${encodeURIComponent(field('slug'))}/confirm`, { action: 'reveal' })
    const c = await revealPrivateLeaderboard(field('slug'))
    return redirectTo(request, `/organizer/${c.slug}`, { notice: 'The private leaderboard is now public.' })
  }, { auth: 'organizer' })
}
