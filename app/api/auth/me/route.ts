import { publicUser } from '@/lib/accounts/auth'
import { requireUser } from '@/lib/web/auth'
import { handle, json } from '@/lib/web/http'

export const dynamic = 'force-dynamic'

export async function GET(request: Request): Promise<Response> {
  return handle(async () => json({ user: publicUser(await requireUser(request)) }))
}
