import { z } from 'zod'
import { requireUser } from '@/lib/web/auth'
import { handle, json, parseJson } from '@/lib/web/http'
import { joinTeamByCode } from '@/lib/teams/teams'

const schema = z.object({ inviteCode: z.string().min(1) })

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const { inviteCode } = await parseJson(request, schema)
    const { competition, team } = await joinTeamByCode(user, inviteCode)
    return json({ competition: competition.slug, team })
  })
}
