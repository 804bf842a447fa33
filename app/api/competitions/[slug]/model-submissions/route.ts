import { requireUser } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { createSubmission } from '@/lib/submissions/create'
import { modelUploadFromRequest } from '@/lib/web/uploads'
import { withUploadSlot } from '@/lib/web/upload-limits'

export const dynamic = 'force-dynamic'

type Ctx = RouteContext<{ slug: string }>

/**
 * Model submission: a multipart form with `model` (the .onnx file, ≤ the model upload limit),
 * `manifest` (JSON text or a small JSON file) and `description`. The model is streamed to
 * storage and checked against its manifest before it is queued; a model that fails the check is
 * answered with 400 `{error:{code:'invalid_model',message}}`.
 */
export async function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const competition = await requireVisibleCompetition((await ctx.params).slug, user)
    return withUploadSlot(user, async () => json(await createSubmission(user, competition, await modelUploadFromRequest(request)), 201))
  })
}
