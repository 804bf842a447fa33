import { requireUser } from '@/lib/auth'
import { requireCompetition } from '@/lib/competition-admin'
import { handle, json, parseJson, type RouteContext } from '@/lib/http'
import { selectionSchema, selectSubmissions } from '@/lib/submissions'

/** Replaces the team's final selection; an empty list means "best public submissions". */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireCompetition((await ctx.params).slug)
    const { submissionIds } = await parseJson(request, selectionSchema)
    return json({ selected: await selectSubmissions(user, competition, submissionIds) })
  })
}
