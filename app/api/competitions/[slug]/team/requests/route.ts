import { requireUser } from '@/lib/web/auth'
import { requireCompetition } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { listTeamRequests } from '@/lib/teams/requests'

export const dynamic = 'force-dynamic'

/** Join and merge requests to the caller's team (incoming) and the caller's own (outgoing). */
export async function GET(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    return json(await listTeamRequests(user, await requireCompetition((await ctx.params).slug)))
  })
}
