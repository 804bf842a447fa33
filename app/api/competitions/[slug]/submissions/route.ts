import { requireUser } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { createSubmission } from '@/lib/submissions/create'
import { listTeamSubmissions } from '@/lib/submissions/read'
import { uploadFromRequest } from '@/lib/web/uploads'
import { withUploadSlot } from '@/lib/web/upload-limits'

export const dynamic = 'force-dynamic'

type Ctx = RouteContext<{ slug: string }>

/**
 * Upload: the file as the raw body (`?filename=…&description=…&kind=csv|prompts|model`) or a
 * multipart form with a `file` field. Streamed to storage, then queued for scoring.
 */
export async function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    return withUploadSlot(user, async () => json(await createSubmission(user, competition, await uploadFromRequest(request)), 201))
  })
}

/** The caller's team's submissions and today's quota. */
export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    return json(await listTeamSubmissions(user, competition))
  })
}
