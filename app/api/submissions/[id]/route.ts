import { requireUser } from '@/lib/auth'
import { handle, json, type RouteContext } from '@/lib/http'
import { getSubmission } from '@/lib/submissions'

export const dynamic = 'force-dynamic'

/** Status, progress, error and the scores the viewer may see. */
export async function GET(request: Request, ctx: RouteContext<{ id: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    return json({ submission: await getSubmission(user, (await ctx.params).id) })
  })
}
