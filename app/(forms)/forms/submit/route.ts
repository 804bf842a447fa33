// The no-JavaScript path of the submit form (the page's script uploads to the REST API instead,
// for progress events): same checks as every form (cross-site, signed in), same service, then a
// redirect to the submission's page. The body is the upload, streamed, so it is not read by
// handleForm.
import { isSlug, requireVisibleCompetition } from '@/lib/competitions/competitions'
import { createSubmission } from '@/lib/submissions/create'
import { notFound } from '@/lib/errors'
import { uploadFromRequest } from '@/lib/web/uploads'
import { withUploadSlot } from '@/lib/web/upload-limits'
import { formGuard, messageOf, redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  const slug = new URL(request.url).searchParams.get('slug')
  let back = slug && isSlug(slug) ? `/competitions/${slug}/submit` : '/'
  const user = await formGuard(request, back, 'user')
  if (user instanceof Response) return user
  if (!user) return redirectTo(request, '/signin', { error: 'Please sign in first' })
  try {
    return await withUploadSlot(user, async () => {
      const upload = await uploadFromRequest(request)
      // The slug is a form field before the file (or in the query string).
      const named = slug ?? upload.fields().slug ?? ''
      if (!isSlug(named)) throw notFound('No such competition')
      back = `/competitions/${named}/submit`
      const competition = await requireVisibleCompetition(named, user)
      const { submission } = await createSubmission(user, competition, upload)
      return redirectTo(request, `/submissions/${submission.id}`, { notice: 'Uploaded; scoring…' })
    })
  } catch (err) {
    return redirectTo(request, back, { error: messageOf(err) })
  }
}
