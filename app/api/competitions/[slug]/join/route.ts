import { requireUser } from '@/lib/web/auth'
import { requireCompetition } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { joinCompetition } from '@/lib/teams/teams'

/** Joins as a one-person team (idempotent). */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireCompetition((await ctx.params).slug)
    return json({ team: await joinCompetition(user, competition) })
  })
}
