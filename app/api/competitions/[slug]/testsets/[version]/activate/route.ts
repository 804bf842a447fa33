import { z } from 'zod'
import { requireOrganizer } from '@/lib/web/auth'
import { handle, json, type RouteContext } from '@/lib/web/http'
import { activateTestSetByNumber } from '@/lib/testsets/activation'
import { listTestSets } from '@/lib/testsets/reads'

export const dynamic = 'force-dynamic'

const versionSchema = z.coerce.number().int().min(1)

/** Organizer: makes the version active and queues the rescoring of every submission (202). */
export async function POST(request: Request, ctx: RouteContext<{ slug: string; version: string }>): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    const { slug, version } = await ctx.params
    const activation = await activateTestSetByNumber(slug, versionSchema.parse(version))
    const view = (await listTestSets(slug)).find((v) => v.id === activation.version.id)
    return json({ testSet: view, rescoreJobId: activation.job.id }, 202)
  })
}
