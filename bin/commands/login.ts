import type { Command } from '../command.ts'
import { ApiClient, flags, required, withApi, writeCliConfig } from './client.ts'

export const loginCommand: Command = {
  path: ['login'],
  summary: 'Save the server URL and your API token for the other commands',
  help: `Usage: arena login --url URL --token TOKEN

Checks the token against the server and saves both to ~/.config/prompt-arena/config.json
(or the file named by ARENA_CONFIG), readable by you only. Create a token on your account page
or with POST /api/tokens.

Options:
  --url URL       the Prompt Arena server, e.g. https://arena.example.org
  --token TOKEN   a personal API token (pa_…)`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, { url: { type: 'string' }, token: { type: 'string' } })
      const config = { url: required(values.url, '--url').replace(/\/+$/, ''), token: required(values.token, '--token') }
      const { user } = await new ApiClient(config).json<{ user: { name: string; email: string; role: string } }>('/api/auth/me')
      const file = writeCliConfig(config)
      console.log(`Logged in to ${config.url} as ${user.name} <${user.email}> (${user.role}); saved to ${file}`)
      return 0
    }),
}
