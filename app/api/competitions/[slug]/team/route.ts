import { z } from 'zod'
import { requireUser } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'
import { notFound } from '@/lib/errors'
import { getTeamView, leaveTeam } from '@/lib/teams/teams'
import { renameTeam } from '@/lib/teams/requests'
import { teamNameSchema } from '@/lib/teams/names'

export const dynamic = 'force-dynamic'

type Ctx = RouteContext<{ slug: string }>

export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    const team = await getTeamView(user.id, competition)
    if (!team) throw notFound('You have no team in this competition')
    return json({ team })
  })
}

/** Leaves the team. */
export async function DELETE(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    await leaveTeam(user, await requireVisibleCompetition((await ctx.params).slug, user))
    return json({ ok: true })
  })
}

/** Renames the team (its captain, before the deadline): `{"name":"…"}`. */
export async function PATCH(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    const { name } = await parseJson(request, z.object({ name: teamNameSchema }))
    return json({ team: await renameTeam(user, competition, name) })
  })
}
