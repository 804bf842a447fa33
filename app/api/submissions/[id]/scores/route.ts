import { requireUser } from '@/lib/web/auth'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { getPerImageScores } from '@/lib/submissions/read'

export const dynamic = 'force-dynamic'

/** Per-image scores: participants get the public images' distribution only (no image ids); organizers the full table. */
export async function GET(request: Request, ctx: RouteContext<{ id: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    return json(await getPerImageScores(user, (await ctx.params).id))
  })
}
