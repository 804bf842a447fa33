import { z } from 'zod'
import { requireOrganizer } from '@/lib/web/auth'
import { handle, type RouteContext } from '@/lib/web/http'
import { deleteTestSetVersion } from '@/lib/testsets/versions'

export const dynamic = 'force-dynamic'

const versionSchema = z.coerce.number().int().min(1)

/** Organizer: deletes a failed (or never used) version with its files (204); 409 for the active one. */
export async function DELETE(request: Request, ctx: RouteContext<{ slug: string; version: string }>): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    const { slug, version } = await ctx.params
    await deleteTestSetVersion(slug, versionSchema.parse(version))
    return new Response(null, { status: 204 })
  })
}
