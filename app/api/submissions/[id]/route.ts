import { requireUser } from '@/lib/web/auth'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { getSubmission } from '@/lib/submissions/read'

export const dynamic = 'force-dynamic'

/** Status, progress, error and the scores the viewer may see. */
export async function GET(request: Request, ctx: RouteContext<{ id: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    return json({ submission: await getSubmission(user, (await ctx.params).id) })
  })
}
