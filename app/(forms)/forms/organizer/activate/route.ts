import { z } from 'zod'
import { activateTestSetByNumber } from '@/lib/testsets/activation'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/organizer', async ({ field }) => {
    const slug = field('slug')
    const version = z.coerce.number().int().min(1).parse(field('version'))
    // Activation rescores everything: only from the confirmation page, which states the effect.
    if (field('confirm') !== 'yes') return redirectTo(request, `/organizer/${encodeURIComponent(slug)}/confirm`, { action: 'activate', version: String(version) })
    await activateTestSetByNumber(slug, version)
    return redirectTo(request, `/organizer/${slug}`, { notice: `Version ${version} is active; every submission is being rescored.` })
  }, { auth: 'organizer' })
}
