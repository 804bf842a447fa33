import { requireUser } from '@/lib/web/auth'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { getPerImageScores } from '@/lib/submissions/read'

export const dynamic = 'force-dynamic'

/** Per-image scores: public images only for participants. */
export async function GET(request: Request, ctx: RouteContext<{ id: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    return json({ images: await getPerImageScores(user, (await ctx.params).id) })
  })
}
