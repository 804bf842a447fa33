import { requireUser } from '@/lib/auth'
import { handle, json, type RouteContext } from '@/lib/http'
import { getPerImageScores } from '@/lib/submissions'

export const dynamic = 'force-dynamic'

/** Per-image scores: public images only for participants. */
export async function GET(request: Request, ctx: RouteContext<{ id: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    return json({ images: await getPerImageScores(user, (await ctx.params).id) })
  })
}
