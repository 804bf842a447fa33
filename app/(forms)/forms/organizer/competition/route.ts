// Create (no `original` field) or edit (original = the slug) a competition from the console form.
import { createCompetition, createCompetitionSchema, updateCompetition, updateCompetitionSchema } from '@/lib/competitions/admin'
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
      const c = await updateCompetition(original, input)
      return redirectTo(request, `/organizer/${c.slug}`, { notice: 'Competition saved.' })
    }
    const c = await createCompetition(createCompetitionSchema.parse({ ...common, slug: field('slug').trim() }))
    return redirectTo(request, `/organizer/${c.slug}`, { notice: 'Competition created. Next: upload a test set.' })
  }, { auth: 'organizer' })
}
