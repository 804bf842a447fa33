import { requireOrganizer } from '@/lib/web/auth'
import { updateCompetition, updateCompetitionSchema } from '@/lib/competitions/admin'
import { competitionView, requireCompetition } from '@/lib/competitions/competitions'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'

export const dynamic = 'force-dynamic'

type Ctx = RouteContext<{ slug: string }>

export async function GET(_request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => json({ competition: competitionView(await requireCompetition((await ctx.params).slug)) }))
}

export async function PATCH(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    const input = await parseJson(request, updateCompetitionSchema)
    return json({ competition: competitionView(await updateCompetition((await ctx.params).slug, input)) })
  })
}
