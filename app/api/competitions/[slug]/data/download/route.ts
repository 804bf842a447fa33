import { Readable } from 'node:stream'
import { userFromRequest } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { notFound } from '@/lib/errors'
import { handle, type RouteContext } from '@/lib/web/http'
import { latestDataSet } from '@/lib/datasets/reads'
import { dataSetZip } from '@/lib/datasets/zip'

export const dynamic = 'force-dynamic'

/** Public (of a visible competition): the latest training data as one zip, streamed. */
export async function GET(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const competition = await requireVisibleCompetition((await ctx.params).slug, await userFromRequest(request))
    const version = await latestDataSet(competition.id)
    if (!version) throw notFound(`Competition '${competition.slug}' has no training data yet`)
    const stream = Readable.toWeb(Readable.from(dataSetZip(version))) as ReadableStream<Uint8Array>
    return new Response(stream, {
      headers: {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${competition.slug}-data-v${version.version}.zip"`,
        'x-dataset-version': String(version.version),
      },
    })
  })
}
