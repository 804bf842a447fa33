// The competition's example images (published by the organizer for the data page).
import { errorResponse, notFound } from '@/lib/http'
import { requireCompetition } from '@/lib/competition-admin'
import { listExamples } from '@/lib/testsets'
import { storage } from '@/lib/storage'

export const dynamic = 'force-dynamic'

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' }

export async function GET(_request: Request, ctx: { params: Promise<{ slug: string; file: string }> }): Promise<Response> {
  try {
    const { slug, file } = await ctx.params
    const competition = await requireCompetition(slug)
    const example = (await listExamples(competition.id)).find((e) => e.fileName === file)
    if (!example) throw notFound('No such example image')
    const bytes = await storage().readBuffer(example.fileKey)
    const ext = file.split('.').pop()?.toLowerCase() ?? ''
    return new Response(new Uint8Array(bytes), {
      headers: { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'public, max-age=300' },
    })
  } catch (err) {
    return errorResponse(err)
  }
}
