import { requireOrganizer } from '@/lib/web/auth'
import { publishCompetition } from '@/lib/competitions/publish'
import { competitionView } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'

/** Organizer: publishes a draft (409 no_active_testset without an active test set). */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    return json({ competition: competitionView(await publishCompetition((await ctx.params).slug)) })
  })
}
