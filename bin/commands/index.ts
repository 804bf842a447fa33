import type { Command } from '../command.ts'
import { modelsPrepareCommand } from './models.ts'
import { embedCommand } from './embed.ts'
import { serveCommand } from './serve.ts'
import { dbMigrateCommand } from './db.ts'
import { loginCommand, logoutCommand, whoamiCommand } from './login.ts'
import { joinCommand } from './join.ts'
import { downloadCommand } from './download.ts'
import { competitionsListCommand } from './competitions.ts'
import { submitCommand } from './submit.ts'
import { selectCommand, submissionsCommand } from './submissions.ts'
import { leaderboardCommand } from './leaderboard.ts'
import { usersCreateCommand, usersResetPasswordCommand } from './users.ts'
import { workerCommand } from './worker.ts'
import { scoreCommand } from './score.ts'
import { testsetCommands } from './testset.ts'
import { competitionsCreateCommand, competitionsPublishCommand, competitionsUnpublishCommand } from './competition-admin.ts'
import { baselineRunCommand } from './baseline.ts'

// Every sub-command, in the order `arena --help` lists them: participants' commands first, then
// offline tools, then running and administering a platform. Add one line per command file.
export const commands: Command[] = [
  // Participants (talk to a server: `arena login` first)
  loginCommand,
  whoamiCommand,
  logoutCommand,
  competitionsListCommand,
  joinCommand,
  downloadCommand,
  submitCommand,
  submissionsCommand,
  leaderboardCommand,
  selectCommand,
  // Offline tools
  scoreCommand,
  embedCommand,
  // Running the platform
  serveCommand,
  workerCommand,
  dbMigrateCommand,
  modelsPrepareCommand,
  // Organizers (on the platform's own database)
  usersCreateCommand,
  usersResetPasswordCommand,
  competitionsCreateCommand,
  competitionsPublishCommand,
  competitionsUnpublishCommand,
  ...testsetCommands,
  baselineRunCommand,
]
