import { commands } from './commands/index.ts'
import { UsageError, type Command } from './command.ts'

function overview(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length), 8)
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`)
  return [
    'Usage: arena <command> [options]',
    '',
    'Prompt Arena: evaluation and leaderboards for image-to-prompt competitions.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `arena <command> --help` for the options of a command.',
  ].join('\n')
}

/** Longest command path that prefixes argv, so `testset import` wins over `testset`. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined
  for (const c of commands) {
    const matches = c.path.every((word, i) => argv[i] === word)
    if (matches && (!best || c.path.length > best.path.length)) best = c
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(overview())
    return 0
  }
  const found = findCommand(argv)
  if (!found) {
    // A group word alone (`arena testset`) lists its sub-commands.
    const group = commands.filter((c) => c.path[0] === argv[0])
    const asksHelp = argv.length === 1 || (argv.length === 2 && (argv[1] === '--help' || argv[1] === '-h'))
    if (group.length > 0 && asksHelp) {
      console.log(group.map((c) => `  arena ${c.path.join(' ')}  ${c.summary}`).join('\n'))
      return 0
    }
    console.error(`arena: unknown command '${argv.join(' ')}'\n\n${overview()}`)
    return 2
  }
  const { command, rest } = found
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help)
    return 0
  }
  try {
    return await command.run(rest)
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`arena ${command.path.join(' ')}: ${err.message}`)
      return 2
    }
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
    return 1
  }
}
