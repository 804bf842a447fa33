import { z } from 'zod'
import { requireUser } from '@/lib/web/auth'
import { handle, json, parseJson } from '@/lib/web/http'
import { requestToJoin } from '@/lib/teams/requests'

const schema = z.object({ inviteCode: z.string().min(1) })

/** Asks to join the team that owns the invite code: 202, pending until its captain accepts. */
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const { inviteCode } = await parseJson(request, schema)
    const { competition, request: pending } = await requestToJoin(user, inviteCode)
    return json({ competition: competition.slug, request: pending }, 202)
  })
}
