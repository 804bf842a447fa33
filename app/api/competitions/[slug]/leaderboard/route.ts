import { z } from 'zod'
import { userFromRequest } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, parseQuery, type RouteContext } from '@/lib/web/http'
import { getLeaderboard } from '@/lib/leaderboards/leaderboard'
import { leaderboardCsv, leaderboardJsonBytes } from '@/lib/leaderboards/export'

export const dynamic = 'force-dynamic'

const schema = z.object({ type: z.enum(['public', 'private']).default('public'), format: z.enum(['json', 'csv']).default('json') })

export async function GET(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const { type, format } = parseQuery(request, schema)
    const viewer = await userFromRequest(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, viewer)
    const board = await getLeaderboard(viewer, competition, type)
    if (format === 'csv') {
      return new Response(leaderboardCsv(board), {
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${competition.slug}-${type}-leaderboard.csv"` },
      })
    }
    // The bytes are serialized once per cached board and shared by every reader.
    return new Response(leaderboardJsonBytes(board), { headers: { 'content-type': 'application/json' } })
  })
}
