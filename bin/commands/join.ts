import type { Command } from '../command.ts'
import { client, flags, required, withApi } from './client.ts'

interface TeamBody {
  team: { id: string; name: string; inviteCode: string; members: { name: string }[] }
}

export const joinCommand: Command = {
  path: ['join'],
  summary: 'Join a competition (as a one-person team)',
  help: `Usage: arena join -c SLUG

Joins the competition as a one-person team, as the Join button does; joining again is harmless
and prints your team. Teammates join your team with its invite code on the competition's Team page.

Options:
  -c, --competition SLUG   competition slug (see arena competitions list)`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, { competition: { type: 'string', short: 'c' } })
      const slug = required(values.competition, '-c/--competition')
      const { team } = await client().json<TeamBody>(`/api/competitions/${encodeURIComponent(slug)}/join`, { method: 'POST' })
      const members = team.members.map((m) => m.name).join(', ')
      console.log(`Joined ${slug} as team "${team.name}" (${team.members.length} member${team.members.length === 1 ? '' : 's'}: ${members}).`)
      console.log(`Invite code for teammates: ${team.inviteCode}`)
      return 0
    }),
}
