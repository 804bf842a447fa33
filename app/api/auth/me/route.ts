import { publicUser, requireUser } from '@/lib/auth'
import { handle, json } from '@/lib/http'

export const dynamic = 'force-dynamic'

export async function GET(request: Request): Promise<Response> {
  return handle(async () => json({ user: publicUser(await requireUser(request)) }))
}
