// Create (no `original` field) or edit (original = the slug) a competition from the console form.
import { createCompetition, createCompetitionSchema, updateCompetition, updateCompetitionSchema } from '@/lib/competitions/admin'
import { badRequest } from '@/lib/errors'
import { requireCompetition } from '@/lib/competitions/competitions'
import { listTeams } from '@/lib/views/organizer'
import { handleForm, redirectTo } from '@/lib/web/forms'

/** `<input type="datetime-local">` has no zone: the console labels these fields UTC. */
function utc(v: string): string | undefined {
  if (!v) return undefined
  return /Z|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`
}

function num(v: string): number | undefined {
  return v.trim() === '' ? undefined : Number(v)
}

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/organizer', async ({ field }) => {
    const common = {
      title: field('title'),
      subtitle: field('subtitle'),
      description: field('description'),
      rules: field('rules'),
      startAt: utc(field('startAt')),
      deadline: utc(field('deadline')),
      mergerDeadline: field('mergerDeadline') ? utc(field('mergerDeadline')) : null,
      dailySubmissionLimit: num(field('dailySubmissionLimit')),
      maxTeamSize: num(field('maxTeamSize')),
      finalSelectionLimit: num(field('finalSelectionLimit')),
      publicFraction: num(field('publicFraction')),
    }
    const original = field('original')
    if (original) {
      const input = updateCompetitionSchema.parse(Object.fromEntries(Object.entries(common).filter(([, v]) => v !== undefined)))
      const current = await requireCompetition(original)
      const t = new Date()
      if (input.deadline && input.deadline <= t && current.deadline > t && field('confirmEnd') !== 'yes') {
        const teams = (await listTeams(current.id, 1)).total
        throw badRequest(
          `A deadline in the past ends the competition now: ${teams} team${teams === 1 ? '' : 's'} can no longer submit and the final selections are fixed. Tick “End the competition now” and save again to confirm.`,
        )
      }
      const c = await updateCompetition(original, input)
      return redirectTo(request, `/organizer/${c.slug}`, { notice: 'Competition saved.' })
    }
    const c = await createCompetition(createCompetitionSchema.parse({ ...common, slug: field('slug').trim() }))
    return redirectTo(request, `/organizer/${c.slug}`, { notice: 'Competition created as a draft (only organizers see it). Next: upload a test set, then publish.' })
  }, { auth: 'organizer' })
}
