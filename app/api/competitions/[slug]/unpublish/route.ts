import { requireOrganizer } from '@/lib/web/auth'
import { unpublishCompetition } from '@/lib/competitions/publish'
import { competitionView } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'

/** Organizer: makes a competition a draft again (hidden from participants). */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    return json({ competition: competitionView(await unpublishCompetition((await ctx.params).slug)) })
  })
}
