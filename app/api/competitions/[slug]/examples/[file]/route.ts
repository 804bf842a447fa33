import { Readable } from 'node:stream'
import { userFromRequest } from '@/lib/web/auth'
import { handle, type RouteContext } from '@/lib/web/http'
import { notFound } from '@/lib/errors'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { listExamples } from '@/lib/testsets/examples'
import { storage } from '@/lib/platform/storage'

export const dynamic = 'force-dynamic'

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' }

/** Public: one example image (only files listed in the manifest are served). */
export async function GET(request: Request, ctx: RouteContext<{ slug: string; file: string }>): Promise<Response> {
  return handle(async () => {
    const { slug, file } = await ctx.params
    const competition = await requireVisibleCompetition(slug, await userFromRequest(request))
    const example = (await listExamples(competition.id)).find((e) => e.fileName === file)
    if (!example) throw notFound(`No example image '${file}'`)
    const type = TYPES[file.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream'
    const stream = Readable.toWeb(await storage().read(example.fileKey)) as ReadableStream<Uint8Array>
    return new Response(stream, { headers: { 'content-type': type, 'cache-control': 'public, max-age=3600' } })
  })
}
