import type { Command } from '../command.ts'
import { client, flags, required, withApi } from './client.ts'

interface TeamBody {
  team: { id: string; name: string; inviteCode: string; members: { name: string }[] }
}

export const joinCommand: Command = {
  path: ['join'],
  summary: 'Join a competition (as a one-person team)',
  help: `Usage: arena join -c SLUG [--accept-rules]

Joins the competition as a one-person team, as the Join button does; joining again is harmless
and prints your team. Teammates join your team with its invite code on the competition's Team page.
A competition with rules asks you to accept them: read them on its overview page, then join with
--accept-rules (your acceptance is recorded).

Options:
  -c, --competition SLUG   competition slug (see arena competitions list)
  --accept-rules           accept the competition's rules`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, { competition: { type: 'string', short: 'c' }, 'accept-rules': { type: 'boolean' } })
      const slug = required(values.competition, '-c/--competition')
      const { team } = await client().json<TeamBody>(`/api/competitions/${encodeURIComponent(slug)}/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ acceptRules: values['accept-rules'] === true }),
      })
      const members = team.members.map((m) => m.name).join(', ')
      console.log(`Joined ${slug} as team "${team.name}" (${team.members.length} member${team.members.length === 1 ? '' : 's'}: ${members}).`)
      console.log(`Invite code for teammates: ${team.inviteCode}`)
      return 0
    }),
}
