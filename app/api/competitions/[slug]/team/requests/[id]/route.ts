import { z } from 'zod'
import { requireUser } from '@/lib/web/auth'
import { requireCompetition } from '@/lib/competitions/competitions'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'
import { decideTeamRequest, withdrawTeamRequest } from '@/lib/teams/requests'

type Ctx = RouteContext<{ slug: string; id: string }>
const schema = z.object({ action: z.enum(['accept', 'decline']) })

/** The receiving team's captain accepts or declines (`{"action":"accept"}`). */
export async function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const { slug, id } = await ctx.params
    const { action } = await parseJson(request, schema)
    return json(await decideTeamRequest(user, await requireCompetition(slug), id, action))
  })
}

/** The requester withdraws a pending request. */
export async function DELETE(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const { slug, id } = await ctx.params
    await withdrawTeamRequest(user, await requireCompetition(slug), id)
    return json({ ok: true })
  })
}
