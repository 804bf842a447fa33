/** One `arena` sub-command. `run` returns the process exit code (0 ok, 2 bad input, 1 internal fault). */
export interface Command {
  /** Words that select the command, e.g. `['testset', 'import']`. */
  readonly path: readonly string[]
  readonly summary: string
  /** Full help text printed by `--help` (usage line, options, examples). */
  readonly help: string
  run(args: string[]): Promise<number>
}

/** An error whose message is meant for the user: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}
