import type { Command } from '../command.ts'
import { client, flags, formatTime, table, withApi } from './client.ts'

interface CompetitionRow {
  slug: string
  title: string
  phase: string
  deadline: string
  teamCount: number
}

export const competitionsListCommand: Command = {
  path: ['competitions', 'list'],
  summary: 'List the competitions on the server',
  help: `Usage: arena competitions list [--json]

Options:
  --json   print the API's JSON instead of a table`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, { json: { type: 'boolean' } })
      const body = await client().json<{ competitions: CompetitionRow[] }>('/api/competitions')
      if (values.json) console.log(JSON.stringify(body, null, 2))
      else console.log(table(['SLUG', 'PHASE', 'DEADLINE', 'TEAMS', 'TITLE'], body.competitions.map((c) => [c.slug, c.phase, formatTime(c.deadline), c.teamCount, c.title])))
      return 0
    }),
}
