// The console's "Run the baseline" button. Training images that overlap the hidden test set
// (same file bytes or the same prompt) are shown first; the organizer runs it anyway with a tick.
import { enqueueBaseline } from '@/lib/baseline/baseline'
import { checkBaselineOverlaps, describeOverlaps } from '@/lib/baseline/overlap'
import { requireCompetition } from '@/lib/competitions/competitions'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(
    request,
    '/organizer',
    async ({ field }) => {
      const c = await requireCompetition(field('slug'))
      const back = `/organizer/${c.slug}`
      if (field('confirmOverlap') !== 'yes') {
        const overlaps = describeOverlaps(await checkBaselineOverlaps(c.id))
        if (overlaps.length > 0) return redirectTo(request, back, { error: `${overlaps.join(' ')} Tick “run anyway” to fit the baseline on them regardless.`, overlap: '1' })
      }
      const { submission } = await enqueueBaseline(c)
      return redirectTo(request, back, { notice: `The reference baseline is queued (run ${submission.id.slice(-6)}); its progress shows below.` })
    },
    { auth: 'organizer' },
  )
}
