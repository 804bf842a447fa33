import { Readable } from 'node:stream'
import { userFromRequest } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { notFound } from '@/lib/errors'
import { handle, type RouteContext } from '@/lib/web/http'
import { starterKitInfo, starterKitZip } from '@/lib/baseline/kit'

export const dynamic = 'force-dynamic'

/** Public (of a visible competition): the reference baseline as a starter kit zip, streamed. */
export async function GET(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const competition = await requireVisibleCompetition((await ctx.params).slug, await userFromRequest(request))
    if (!(await starterKitInfo(competition.id))) throw notFound(`Competition '${competition.slug}' has no starter kit yet (the reference baseline has not run)`)
    const stream = Readable.toWeb(Readable.from(starterKitZip(competition.id))) as ReadableStream<Uint8Array>
    return new Response(stream, {
      headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${competition.slug}-starter-kit.zip"` },
    })
  })
}
