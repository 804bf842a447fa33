import { z } from 'zod'
import { requireUser } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'
import { mergeTeams } from '@/lib/teams/teams'

const schema = z.object({ inviteCode: z.string().min(1) })

/** Merges the caller's team into the team whose invite code is given. */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    const { inviteCode } = await parseJson(request, schema)
    return json(await mergeTeams(user, competition, inviteCode))
  })
}
