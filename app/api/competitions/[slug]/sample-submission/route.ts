import { Readable } from 'node:stream'
import { handle, type RouteContext } from '@/lib/web/http'
import { sampleSubmission } from '@/lib/testsets/reads'
import { storage } from '@/lib/platform/storage'

export const dynamic = 'force-dynamic'

/** Public: the active test set's sample_submission.csv (a constant prediction, never the truth). */
export async function GET(_request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const sample = await sampleSubmission((await ctx.params).slug)
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
