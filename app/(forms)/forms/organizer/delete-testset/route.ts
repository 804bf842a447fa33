import { z } from 'zod'
import { deleteTestSetVersion } from '@/lib/testsets/versions'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/organizer', async ({ field }) => {
    const slug = field('slug')
    const version = z.coerce.number().int().min(1).parse(field('version'))
    await deleteTestSetVersion(slug, version)
    return redirectTo(request, `/organizer/${slug}`, { notice: `Version ${version} was deleted.` })
  }, { auth: 'organizer' })
}
