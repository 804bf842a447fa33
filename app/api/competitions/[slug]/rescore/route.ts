import { requireOrganizer } from '@/lib/auth'
import { requireCompetition } from '@/lib/competition-admin'
import { handle, json, type RouteContext } from '@/lib/http'
import { rescoreCompetition } from '@/lib/submissions'

/** Organizer: queues every scored submission for scoring against the active test set. */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    return json(await rescoreCompetition(await requireCompetition((await ctx.params).slug)), 202)
  })
}
