import { z } from 'zod'
import { requireUser } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'
import { requestMerge } from '@/lib/teams/requests'

const schema = z.object({ inviteCode: z.string().min(1) })

/**
 * Asks to merge the caller's team (the caller being its captain) into the team whose invite code
 * is given: 202, pending until that team's captain accepts (…/team/requests/{id}).
 */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    const { inviteCode } = await parseJson(request, schema)
    return json({ request: await requestMerge(user, competition, inviteCode) }, 202)
  })
}
