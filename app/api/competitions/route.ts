import { requireOrganizer, userFromRequest } from '@/lib/web/auth'
import { createCompetition, createCompetitionSchema } from '@/lib/competitions/admin'
import { competitionView } from '@/lib/competitions/competitions'
import { listCompetitions } from '@/lib/competitions/competitions'
import { now } from '@/lib/platform/clock'
import { handle, json, parseJson } from '@/lib/web/http'

export const dynamic = 'force-dynamic'

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const list = await listCompetitions(now(), await userFromRequest(request))
    return json({ competitions: list.map((c) => ({ ...competitionView(c), teamCount: c.teamCount, submissionCount: c.submissionCount })) })
  })
}

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    await requireOrganizer(request)
    const input = await parseJson(request, createCompetitionSchema)
    return json({ competition: competitionView(await createCompetition(input)) }, 201)
  })
}
