import { Readable } from 'node:stream'
import { userFromRequest } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { handle, type RouteContext } from '@/lib/web/http'
import { dataSetFile } from '@/lib/datasets/reads'
import { storage } from '@/lib/platform/storage'

export const dynamic = 'force-dynamic'

/** Public (of a visible competition): one training file by its listed name (prompts.csv or an image). */
export async function GET(request: Request, ctx: RouteContext<{ slug: string; name: string }>): Promise<Response> {
  return handle(async () => {
    const { slug, name } = await ctx.params
    const competition = await requireVisibleCompetition(slug, await userFromRequest(request))
    const file = await dataSetFile(competition, name)
    const stream = Readable.toWeb(await storage().read(file.key)) as ReadableStream<Uint8Array>
    const inline = file.contentType.startsWith('image/')
    return new Response(stream, {
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.size),
        'cache-control': 'private, max-age=300',
        ...(inline ? {} : { 'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]/g, '_')}"` }),
      },
    })
  })
}
