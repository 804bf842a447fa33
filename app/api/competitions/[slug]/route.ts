import { requireOrganizer, userFromRequest } from '@/lib/web/auth'
import { updateCompetition, updateCompetitionSchema } from '@/lib/competitions/admin'
import { competitionView, requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'

export const dynamic = 'force-dynamic'

type Ctx = RouteContext<{ slug: string }>

export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => json({ competition: competitionView(await requireVisibleCompetition((await ctx.params).slug, await userFromRequest(request))) }))
}

export async function PATCH(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    const input = await parseJson(request, updateCompetitionSchema)
    return json({ competition: competitionView(await updateCompetition((await ctx.params).slug, input)) })
  })
}
