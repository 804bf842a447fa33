import { requireOrganizer } from '@/lib/web/auth'
import { revealPrivateLeaderboard } from '@/lib/competitions/admin'
import { competitionView } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'

/** Organizer: makes the private leaderboard public (after the deadline only). */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    return json({ competition: competitionView(await revealPrivateLeaderboard((await ctx.params).slug)) })
  })
}
