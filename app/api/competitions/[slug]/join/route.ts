import { requireUser } from '@/lib/auth'
import { requireCompetition } from '@/lib/competition-admin'
import { handle, json, type RouteContext } from '@/lib/http'
import { joinCompetition } from '@/lib/teams'

/** Joins as a one-person team (idempotent). */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireCompetition((await ctx.params).slug)
    return json({ team: await joinCompetition(user, competition) })
  })
}
