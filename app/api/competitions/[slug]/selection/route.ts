import { requireUser } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'
import { selectionSchema, selectSubmissions } from '@/lib/submissions/selection'

/** Replaces the team's final selection; an empty list means "best public submissions". */
export async function POST(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    const { submissionIds } = await parseJson(request, selectionSchema)
    return json({ selected: await selectSubmissions(user, competition, submissionIds) })
  })
}
