import { userFromRequest } from '@/lib/web/auth'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { listExamples } from '@/lib/testsets/examples'

export const dynamic = 'force-dynamic'

/** Public: example images with their prompts for the data page (not part of any test set). */
export async function GET(request: Request, ctx: RouteContext<{ slug: string }>): Promise<Response> {
  return handle(async () => {
    const { slug } = await ctx.params
    const competition = await requireVisibleCompetition(slug, await userFromRequest(request))
    const examples = await listExamples(competition.id)
    return json({
      examples: examples.map((e) => ({
        imageId: e.imageId,
        prompt: e.prompt,
        width: e.width,
        height: e.height,
        url: `/api/competitions/${encodeURIComponent(slug)}/examples/${encodeURIComponent(e.fileName)}`,
      })),
    })
  })
}
