import { retryJob } from '@/lib/queue'
import { conflict } from '@/lib/errors'
import { handleForm, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return handleForm(request, '/organizer/jobs', async ({ field, returnTo }) => {
    if (!(await retryJob(field('id')))) throw conflict('Only failed jobs can be retried')
    return redirectTo(request, returnTo('/organizer/jobs'), { notice: 'Job queued again.' })
  }, { auth: 'organizer' })
}
