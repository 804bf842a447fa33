import { Readable } from 'node:stream'
import { userFromRequest } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, type RouteContext } from '@/lib/web/http'
import { sampleSubmission } from '@/lib/testsets/reads'
import { storage } from '@/lib/platform/storage'

export const dynamic = 'force-dynamic'

/** Public: the active test set's sample_submission.csv (a constant prediction, never the truth). */
export async function GET(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const { slug } = await ctx.params
    await requireVisibleCompetition(slug, await userFromRequest(request))
    const sample = await sampleSubmission(slug)
    const stream = Readable.toWeb(await storage().read(sample.key)) as ReadableStream<Uint8Array>
    return new Response(stream, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': String(sample.size),
        'content-disposition': `attachment; filename="${sample.fileName}"`,
        'x-testset-version': String(sample.version),
      },
    })
  })
}
