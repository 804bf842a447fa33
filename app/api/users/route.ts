import { requireOrganizer } from '@/lib/web/auth'
import { handle, json } from '@/lib/web/http'
import { listUsers } from '@/lib/views/organizer'

export const dynamic = 'force-dynamic'

/** Organizer: the accounts, newest first (at most 500), with role and whether disabled. */
export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    const { rows, total } = await listUsers()
    return json({ users: rows, total })
  })
}
