import type { Command } from '../command.ts'
import { client, flags, formatScore, required, table, withApi } from './client.ts'

interface Row {
  rank: number
  teamName: string
  score: number
  entries: number
  lastSubmissionAt: string
  move?: number | null
}

export const leaderboardCommand: Command = {
  path: ['leaderboard'],
  summary: 'Show a competition leaderboard',
  help: `Usage: arena leaderboard -c SLUG [--private] [--csv]

Options:
  -c, --competition SLUG   competition slug
  --private                the private leaderboard (once revealed; organizers always)
  --csv                    print CSV (as GET …/leaderboard?format=csv)`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, { competition: { type: 'string', short: 'c' }, private: { type: 'boolean' }, csv: { type: 'boolean' } })
      const slug = required(values.competition, '-c/--competition')
      const type = values.private ? 'private' : 'public'
      const base = `/api/competitions/${encodeURIComponent(slug)}/leaderboard?type=${type}`
      if (values.csv) {
        process.stdout.write(await (await client().request(`${base}&format=csv`)).text())
        return 0
      }
      const { leaderboard } = await client().json<{ leaderboard: { rows: Row[]; baselines: { name: string; score: number }[] } }>(base)
      const rows = leaderboard.rows.map((r) => [
        r.rank,
        r.teamName,
        formatScore(r.score),
        r.entries,
        ...(type === 'private' ? [r.move === null || r.move === undefined ? '' : r.move > 0 ? `+${r.move}` : String(r.move)] : []),
      ])
      for (const b of leaderboard.baselines) rows.push(['-', `${b.name} (baseline)`, formatScore(b.score), '', ...(type === 'private' ? [''] : [])])
      console.log(table(['#', 'TEAM', 'SCORE', 'ENTRIES', ...(type === 'private' ? ['MOVE'] : [])], rows))
      return 0
    }),
}
