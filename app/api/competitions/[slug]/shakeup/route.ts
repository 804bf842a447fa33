import { userFromRequest } from '@/lib/web/auth'
import { requireCompetition } from '@/lib/competitions/competitions'
import { handle, type RouteContext } from '@/lib/web/http'
import { getShakeUpForecast } from '@/lib/leaderboards/forecast'

export const dynamic = 'force-dynamic'

/** The shake-up forecast: organizers, and everyone once the private leaderboard is revealed. */
export async function GET(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const competition = await requireCompetition((await ctx.params).slug)
    const forecast = await getShakeUpForecast(await userFromRequest(request), competition)
    return Response.json({ forecast })
  })
}
