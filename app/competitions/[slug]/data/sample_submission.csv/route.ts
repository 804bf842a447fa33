// Download of the active test set's sample submission (public: it holds no truth).
import { Readable } from 'node:stream'
import { errorResponse } from '@/lib/http'
import { sampleSubmission } from '@/lib/testsets'
import { storage } from '@/lib/storage'

export const dynamic = 'force-dynamic'

export async function GET(_request: Request, ctx: { params: Promise<{ slug: string }> }): Promise<Response> {
  try {
    const sample = await sampleSubmission((await ctx.params).slug)
    const body = Readable.toWeb(await storage().read(sample.key)) as ReadableStream<Uint8Array>
    return new Response(body, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': String(sample.size),
        'content-disposition': `attachment; filename="${sample.fileName}"`,
        'cache-control': 'no-store',
      },
    })
  } catch (err) {
    return errorResponse(err)
  }
}
