import { Readable } from 'node:stream'
import { requireUser } from '@/lib/web/auth'
import { handle, type RouteContext } from '@/lib/web/http'
import { submittedFile } from '@/lib/submissions/download'

export const dynamic = 'force-dynamic'

/** The file as submitted: for the team's members and organizers; 404 for everyone else. */
export async function GET(request: Request, ctx: RouteContext<{ id: string }>): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const file = await submittedFile(user, (await ctx.params).id)
    return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.size),
        'content-disposition': `attachment; filename="${file.fileName}"`,
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      },
    })
  })
}
