import { requireOrganizer } from '@/lib/web/auth'
import { requireCompetition } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { rescoreCompetition } from '@/lib/submissions/scoring-jobs'

/** Organizer: queues every scored submission for scoring against the active test set. */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    return json(await rescoreCompetition(await requireCompetition((await ctx.params).slug)), 202)
  })
}
