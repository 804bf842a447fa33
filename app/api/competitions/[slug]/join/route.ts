import { z } from 'zod'
import { requireUser } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { joinAcceptingRules } from '@/lib/competitions/rules'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'

const bodySchema = z.object({ acceptRules: z.boolean().optional() })

/** Joins as a one-person team (idempotent); `{"acceptRules": true}` when the competition has rules. */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    const { acceptRules } = await parseJson(request, bodySchema)
    return json({ team: await joinAcceptingRules(user, competition, acceptRules === true) })
  })
}
