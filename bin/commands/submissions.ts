import { UsageError, type Command } from '../command.ts'
import { client, flags, formatScore, formatTime, required, table, withApi } from './client.ts'
import { formatInterval } from '../../scoring/stats/index.ts'

interface Row {
  id: string
  status: string
  publicScore: number | null
  publicHalfWidth?: number | null
  privateScore: number | null
  selected: boolean
  late: boolean
  description: string
  createdAt: string
  error: string | null
}

export const submissionsCommand: Command = {
  path: ['submissions'],
  summary: "List your team's submissions in a competition",
  help: `Usage: arena submissions -c SLUG [--json]

Options:
  -c, --competition SLUG   competition slug
  --json                   print the API's JSON`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, { competition: { type: 'string', short: 'c' }, json: { type: 'boolean' } })
      const slug = required(values.competition, '-c/--competition')
      const body = await client().json<{ submissions: Row[]; quota: { remaining: number; limit: number; resetAt: string } }>(`/api/competitions/${encodeURIComponent(slug)}/submissions`)
      if (values.json) {
        console.log(JSON.stringify(body, null, 2))
        return 0
      }
      console.log(
        table(
          ['ID', 'DATE', 'STATUS', 'PUBLIC', 'PRIVATE', 'SELECTED', 'DESCRIPTION'],
          body.submissions.map((s) => [
            s.id,
            formatTime(s.createdAt),
            s.late ? `${s.status} (late)` : s.status,
            s.publicScore === null ? formatScore(null) : formatInterval({ mean: s.publicScore, halfWidth: s.publicHalfWidth ?? null }),
            formatScore(s.privateScore),
            s.selected ? 'yes' : '',
            // The error already names its line ("Line 12: …"): printed as the server wrote it.
            s.status === 'failed' ? `${s.description} [${s.error ?? ''}]`.trim() : s.description,
          ]),
        ),
      )
      console.log(`\n${body.quota.remaining} of ${body.quota.limit} submissions left today; reset at ${formatTime(body.quota.resetAt)}`)
      return 0
    }),
}

export const selectCommand: Command = {
  path: ['select'],
  summary: 'Choose your final submissions for the private leaderboard',
  help: `Usage: arena select -c SLUG [ID…]

Replaces your team's final selection with the given submission ids (at most the competition's
limit, usually 2; scored and on time). With no ids the selection is cleared, and your best public
submissions count, as on Kaggle.

Options:
  -c, --competition SLUG   competition slug`,
  run: (args) =>
    withApi(async () => {
      const { values, positionals } = flags(args, { competition: { type: 'string', short: 'c' } }, true)
      const slug = required(values.competition, '-c/--competition')
      if (positionals.some((p) => p.startsWith('-'))) throw new UsageError(`unknown option ${positionals.find((p) => p.startsWith('-'))}`)
      const body = await client().json<{ selected: { id: string; publicScore: number | null }[] }>(`/api/competitions/${encodeURIComponent(slug)}/selection`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ submissionIds: positionals }),
      })
      if (body.selected.length === 0) console.log('Selection cleared: your best public submissions will count.')
      else console.log(`Selected: ${body.selected.map((s) => `${s.id} (public ${formatScore(s.publicScore)})`).join(', ')}`)
      return 0
    }),
}
