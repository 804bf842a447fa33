import type { Command } from '../command.ts'

// Every sub-command, in the order `arena --help` lists them. Add one line per command file.
export const commands: Command[] = []
