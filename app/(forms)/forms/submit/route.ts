// The no-JavaScript path of the submit form (the page's script uploads to the REST API instead,
// for progress events): same service, then a redirect to the submission's page.
import { requireUser } from '@/lib/web/auth'
import { requireVisibleCompetition } from '@/lib/competitions/competitions'
import { createSubmission } from '@/lib/submissions/create'
import { uploadFromRequest } from '@/lib/web/uploads'
import { messageOf, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  const slug = new URL(request.url).searchParams.get('slug')
  let user
  try {
    user = await requireUser(request)
  } catch {
    return redirectTo(request, '/signin', { error: 'Please sign in first' })
  }
  let back = slug ? `/competitions/${slug}/submit` : '/'
  try {
    const upload = await uploadFromRequest(request)
    // The slug is a form field before the file (or in the query string).
    const named = slug ?? upload.fields().slug ?? ''
    if (/^[a-z0-9-]+$/.test(named)) back = `/competitions/${named}/submit`
    const competition = await requireVisibleCompetition(named, user)
    const { submission } = await createSubmission(user, competition, upload)
    return redirectTo(request, `/submissions/${submission.id}`, { notice: 'Uploaded; scoring…' })
  } catch (err) {
    return redirectTo(request, back, { error: messageOf(err) })
  }
}
