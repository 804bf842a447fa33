import { requireOrganizer, userFromRequest } from '@/lib/web/auth'
import { requireCompetition, requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { dataListing } from '@/lib/datasets/listing'
import { uploadDataSet } from '@/lib/datasets/upload'
import { testSetUploadFromRequest } from '@/lib/web/uploads'

export const dynamic = 'force-dynamic'

type Ctx = RouteContext<{ slug: string }>

/** Public (of a visible competition): the training data's files, the zip, the sample submission. */
export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const competition = await requireVisibleCompetition((await ctx.params).slug, await userFromRequest(request))
    return json(await dataListing(competition))
  })
}

/**
 * Organizer: a new training-data version from a multipart form with the files `images` (a .zip)
 * and `prompts` (imgId,prompt CSV), optional field `note`. Checked at once: 201 or a 400 naming the
 * problem.
 */
export async function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const user = await requireOrganizer(request)
    const competition = await requireCompetition((await ctx.params).slug)
    const version = await uploadDataSet(competition, user, testSetUploadFromRequest(request))
    return json({ version: version.version, imageCount: version.imageCount, totalBytes: version.totalBytes }, 201)
  })
}
