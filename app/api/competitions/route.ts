import { requireOrganizer } from '@/lib/auth'
import { competitionView, createCompetition, createCompetitionSchema } from '@/lib/competition-admin'
import { listCompetitions } from '@/lib/competitions'
import { now } from '@/lib/clock'
import { handle, json, parseJson } from '@/lib/http'

export const dynamic = 'force-dynamic'

export async function GET(): Promise<Response> {
  return handle(async () => {
    const list = await listCompetitions(now())
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
