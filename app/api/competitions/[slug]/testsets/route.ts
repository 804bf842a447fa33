import { requireOrganizer } from '@/lib/web/auth'
import { requireCompetition } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { listTestSets } from '@/lib/testsets/reads'
import { uploadTestSet } from '@/lib/testsets/upload'
import { testSetUploadFromRequest } from '@/lib/web/uploads'
import { withUploadSlot } from '@/lib/web/upload-limits'

export const dynamic = 'force-dynamic'

type Ctx = RouteContext<{ slug: string }>

/**
 * Organizer: a new test-set version from a multipart form with the files `images` (a .zip) and
 * `prompts` (imgId,prompt CSV); optional fields or query parameters publicFraction, seed, note,
 * activate. Streamed to storage, then imported by an 'import-testset' job (202).
 */
export async function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireOrganizer(request)
    const competition = await requireCompetition((await ctx.params).slug)
    return withUploadSlot(user, async () => json(await uploadTestSet(competition, user, testSetUploadFromRequest(request)), 202))
  })
}

/** Organizer: the versions, newest first, with status, import progress and which one is active. */
export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    return json({ testSets: await listTestSets((await ctx.params).slug) })
  })
}
