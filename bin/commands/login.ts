// The login commands: save (login), show (whoami) and forget (logout) the server URL and API token.
import { UsageError, type Command } from '../command.ts'
import { ApiClient, client, configPath, flags, removeCliConfig, required, resolveCliConfig, withApi, writeCliConfig } from './client.ts'

interface Me {
  user: { name: string; email: string; role: string }
}

/** All of standard input as text (a token piped in: `pass arena | arena login --url U --token -`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The token to save: `--token -` or no --token with input piped in reads standard input (so the
 * token stays out of the shell history and the process list); else ARENA_TOKEN; else --token's value.
 */
async function tokenOf(flag: string | undefined): Promise<{ token: string; fromArgv: boolean }> {
  if (flag === '-' || (flag === undefined && !process.env.ARENA_TOKEN && process.stdin.isTTY !== true)) {
    const token = (await readStdin()).trim()
    if (!token) throw new UsageError('no token on standard input')
    if (/\s/.test(token)) throw new UsageError('standard input holds more than one word; pipe the token alone')
    return { token, fromArgv: false }
  }
  if (flag === undefined) return { token: required(process.env.ARENA_TOKEN, '--token (or ARENA_TOKEN)'), fromArgv: false }
  return { token: required(flag, '--token'), fromArgv: true }
}

export const loginCommand: Command = {
  path: ['login'],
  summary: 'Save the server URL and your API token for the other commands',
  help: `Usage: arena login --url URL [--token -|TOKEN]

Checks the token against the server and saves both to ~/.config/prompt-arena/config.json
(or the file named by ARENA_CONFIG), readable by you only. Create a token on the API tokens
page of your account.

The token is read from standard input with --token - (or when --token is left out and input is
piped), else from ARENA_TOKEN: a token written on the command line stays in your shell history.

Instead of logging in, commands also take ARENA_URL and ARENA_TOKEN from the environment
(they win over the saved file).

Options:
  --url URL       the Prompt Arena server, e.g. https://arena.example.org (default ARENA_URL)
  --token TOKEN   a personal API token (pa_…), or - to read it from standard input

Examples:
  printf '%s' "$TOKEN" | arena login --url https://arena.example.org --token -
  arena login --url https://arena.example.org --token -     (then paste the token, Ctrl-D)`,
  run: (args) =>
    withApi(async () => {
      const { values } = flags(args, { url: { type: 'string' }, token: { type: 'string' } })
      const url = required(values.url ?? process.env.ARENA_URL, '--url (or ARENA_URL)').replace(/\/+$/, '')
      const { token, fromArgv } = await tokenOf(values.token)
      const config = { url, token }
      const { user } = await new ApiClient(config).json<Me>('/api/auth/me')
      const file = writeCliConfig(config)
      console.log(`Logged in to ${config.url} as ${user.name} <${user.email}> (${user.role}); saved to ${file}`)
      if (fromArgv) console.error('Note: a token given on the command line stays in your shell history; next time use --token - and paste it.')
      return 0
    }),
}

export const whoamiCommand: Command = {
  path: ['whoami'],
  summary: 'Show the account and server the other commands use',
  help: `Usage: arena whoami

Asks the server whose token is in use (ARENA_URL/ARENA_TOKEN, else the saved login) and prints
the account, the server and where the credentials came from. Exits 2 when not logged in or when
the server refuses the token.`,
  run: (args) =>
    withApi(async () => {
      flags(args, {})
      const resolved = resolveCliConfig()
      const { user } = await client().json<Me>('/api/auth/me')
      console.log(`${user.name} <${user.email}> (${user.role}) on ${resolved.url}`)
      const { url, token } = resolved.sources
      const from = url !== token ? `the URL from the ${url}, the token from the ${token}` : url === 'environment' ? 'ARENA_URL and ARENA_TOKEN' : configPath()
      console.error(`credentials from ${from}`)
      return 0
    }),
}

export const logoutCommand: Command = {
  path: ['logout'],
  summary: 'Forget the saved server URL and token',
  help: `Usage: arena logout

Deletes the saved login (~/.config/prompt-arena/config.json or ARENA_CONFIG). The token itself
stays valid until you revoke it on the API tokens page of your account.`,
  async run(args) {
    flags(args, {})
    const removed = removeCliConfig()
    console.log(removed ? `Logged out: removed ${configPath()}. Revoke the token on your account's API tokens page if it may have leaked.` : `Not logged in (no ${configPath()}).`)
    if (process.env.ARENA_TOKEN) console.error('Note: ARENA_TOKEN is still set in the environment; commands keep using it.')
    return 0
  },
}
