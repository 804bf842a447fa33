import type { Command } from '../command.ts'
import { intOption } from '../args.ts'
import { ApiFailure, client, flags, formatScore, formatTime, required, table, truncate, withApi, type ApiClient } from './client.ts'

interface Row {
  rank: number
  teamId: string
  teamName: string
  score: number
  entries: number
  lastSubmissionAt: string
  move?: number | null
}

/** Terminal width the table is laid out for: Kaggle's CLI and most terminals open at 80–100. */
export const LEADERBOARD_WIDTH = 100
/** The rank column of a baseline row: it is shown for comparison, never ranked. */
const BASELINE_LABEL = 'base'
const YOU = '*'

/** The caller's team id in the competition, or null when the caller has not joined. */
async function myTeamId(api: ApiClient, slug: string): Promise<string | null> {
  try {
    return (await api.json<{ team: { id: string } }>(`/api/competitions/${encodeURIComponent(slug)}/team`)).team.id
  } catch (err) {
    if (err instanceof ApiFailure && (err.status === 404 || err.status === 403)) return null
    throw err
  }
}

/**
 * The leaderboard as table rows that fit LEADERBOARD_WIDTH columns: the team column takes what
 * the fixed columns leave and long names end in "…"; baselines sit at their score's place with
 * the rank "base"; the caller's team is marked with "*".
 */
export function leaderboardTable(rows: Row[], baselines: { name: string; score: number }[], options: { private: boolean; mine: string | null; top?: number }): string {
  const shown = options.top === undefined ? rows : rows.slice(0, options.top)
  const header = ['#', 'TEAM', 'SCORE', 'ENTRIES', 'LAST', ...(options.private ? ['MOVE'] : [])]
  type Line = { score: number; cells: (string | number)[] }
  const lines: Line[] = shown.map((r) => ({
    score: r.score,
    cells: [
      `${r.teamId === options.mine ? YOU : ''}${r.rank}`,
      r.teamName,
      formatScore(r.score),
      r.entries,
      formatTime(r.lastSubmissionAt),
      ...(options.private ? [r.move === null || r.move === undefined ? '' : r.move > 0 ? `+${r.move}` : String(r.move)] : []),
    ],
  }))
  const lowest = shown.length > 0 ? shown[shown.length - 1].score : -Infinity
  for (const b of baselines) {
    // With --top, a baseline below the cut is left out like the teams there.
    if (options.top !== undefined && shown.length < rows.length && b.score < lowest) continue
    const at = lines.findIndex((l) => l.score < b.score)
    const line = { score: b.score, cells: [BASELINE_LABEL, b.name, formatScore(b.score), '', '', ...(options.private ? [''] : [])] }
    lines.splice(at === -1 ? lines.length : at, 0, line)
  }
  // Two spaces between columns; the team column gets the rest of the width.
  const fixed = header.map((h, i) => (i === 1 ? 0 : Math.max(h.length, ...lines.map((l) => String(l.cells[i]).length))))
  const teamWidth = Math.max(8, LEADERBOARD_WIDTH - fixed.reduce((a, b) => a + b, 0) - 2 * (header.length - 1))
  for (const l of lines) l.cells[1] = truncate(String(l.cells[1]), teamWidth)
  const align: ('left' | 'right')[] = ['right', 'left', 'right', 'right', 'left', 'right']
  return table(header, lines.map((l) => l.cells), align)
}

export const leaderboardCommand: Command = {
  path: ['leaderboard'],
  summary: 'Show a competition leaderboard',
  help: `Usage: arena leaderboard -c SLUG [--top N] [--private] [--csv]

Prints the leaderboard in ${LEADERBOARD_WIDTH} columns: long team names end in "…", the reference
baseline has the rank "${BASELINE_LABEL}" (shown for comparison, not ranked), your team's rank is
marked "${YOU}", times are UTC.

Options:
  -c, --competition SLUG   competition slug
  -t, --top N              only the first N teams
  --private                the private leaderboard (once revealed; organizers always)
  --csv                    print CSV (as GET …/leaderboard?format=csv)`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, { competition: { type: 'string', short: 'c' }, top: { type: 'string', short: 't' }, private: { type: 'boolean' }, csv: { type: 'boolean' } })
      const slug = required(values.competition, '-c/--competition')
      const top = values.top === undefined ? undefined : intOption(values.top, '--top', 0, { min: 1 })
      const type = values.private ? 'private' : 'public'
      const base = `/api/competitions/${encodeURIComponent(slug)}/leaderboard?type=${type}`
      const api = client()
      if (values.csv) {
        process.stdout.write(await (await api.request(`${base}&format=csv`)).text())
        return 0
      }
      const [{ leaderboard }, mine] = await Promise.all([
        api.json<{ leaderboard: { rows: Row[]; baselines: { name: string; score: number }[] } }>(base),
        myTeamId(api, slug),
      ])
      console.log(leaderboardTable(leaderboard.rows, leaderboard.baselines, { private: type === 'private', mine, top }))
      if (mine && leaderboard.rows.some((r) => r.teamId === mine)) {
        const me = leaderboard.rows.find((r) => r.teamId === mine)!
        console.log(`\n${YOU} your team: ${me.teamName}, rank ${me.rank} of ${leaderboard.rows.length}`)
      }
      return 0
    }),
}
