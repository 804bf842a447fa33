/**
 * `arena competitions create|publish|unpublish`: organizer setup from the command line, directly on the platform's
 * database (the API's POST /api/competitions and …/publish do the same over HTTP).
 */
import { parseArgs } from 'node:util'
import { UsageError, type Command } from '../command.ts'
import { config } from '../../lib/platform/config.ts'
import { closeDb } from '../../lib/platform/db.ts'
import { formatZodIssues, isApiError } from '../../lib/errors.ts'
import { applyMigrations } from '../../lib/platform/migrate.ts'
import { createCompetition, createCompetitionSchema } from '../../lib/competitions/admin.ts'
import { z } from 'zod'

const DAY_MS = 86_400_000

export const competitionsCreateCommand: Command = {
  path: ['competitions', 'create'],
  summary: 'Create a competition (organizer setup)',
  help: `Usage: arena competitions create --slug SLUG --title TITLE [--subtitle TEXT]
                                [--description TEXT | --description-file FILE.md] [--rules-file FILE.md]
                                [--start ISO] [--deadline ISO] [--merger-deadline ISO]
                                [--daily-limit N] [--max-team-size N] [--final-selection N]
                                [--public-fraction F]

Defaults: starts now, ends in 90 days, 5 submissions a day, teams of up to 5, 2 final
selections, 30% of the images public. The competition is a draft (seen by organizers only) with
optional rules in Markdown that participants accept when joining. Then import its hidden test set
(the first version of a draft becomes active) and publish it:
  arena testset import --competition SLUG --images DIR_OR_ZIP --prompts prompts.csv
  arena competitions publish --slug SLUG`,
  async run(args) {
    let values
    try {
      values = parseArgs({
        args,
        strict: true,
        allowPositionals: false,
        options: {
          slug: { type: 'string' },
          title: { type: 'string' },
          subtitle: { type: 'string' },
          description: { type: 'string' },
          'description-file': { type: 'string' },
          'rules-file': { type: 'string' },
          start: { type: 'string' },
          deadline: { type: 'string' },
          'merger-deadline': { type: 'string' },
          'daily-limit': { type: 'string' },
          'max-team-size': { type: 'string' },
          'final-selection': { type: 'string' },
          'public-fraction': { type: 'string' },
        },
      }).values
    } catch (err) {
      throw new UsageError(`${err instanceof Error ? err.message : String(err)} (see --help)`)
    }
    const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v))
    let description = values.description
    if (values['description-file']) {
      const { readFile } = await import('node:fs/promises')
      try {
        description = await readFile(values['description-file'], 'utf8')
      } catch (err) {
        throw new UsageError(`cannot read ${values['description-file']}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    let rules: string | undefined
    if (values['rules-file']) {
      const { readFile } = await import('node:fs/promises')
      try {
        rules = await readFile(values['rules-file'], 'utf8')
      } catch (err) {
        throw new UsageError(`cannot read ${values['rules-file']}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    const startAt = values.start ?? new Date().toISOString()
    const parsed = createCompetitionSchema.safeParse({
      slug: values.slug,
      title: values.title,
      subtitle: values.subtitle,
      description,
      rules,
      startAt,
      deadline: values.deadline ?? new Date(new Date(startAt).getTime() + 90 * DAY_MS).toISOString(),
      mergerDeadline: values['merger-deadline'],
      dailySubmissionLimit: num(values['daily-limit']),
      maxTeamSize: num(values['max-team-size']),
      finalSelectionLimit: num(values['final-selection']),
      publicFraction: num(values['public-fraction']),
    })
    if (!parsed.success) throw new UsageError(formatZodIssues(parsed.error))
    try {
      await applyMigrations({ url: config().databaseUrl, log: (line) => console.error(line) })
      const c = await createCompetition(parsed.data)
      console.log(`created draft competition ${c.slug}: ${c.title} (${c.startAt.toISOString()} → ${c.deadline.toISOString()}); publish it with arena competitions publish --slug ${c.slug}`)
      return 0
    } catch (err) {
      if (isApiError(err) || err instanceof z.ZodError) throw new UsageError(err.message)
      throw err
    } finally {
      await closeDb()
    }
  },
}

function publishCommand(action: 'publish' | 'unpublish'): Command {
  return {
    path: ['competitions', action],
    summary: action === 'publish' ? 'Publish a draft competition (needs an active test set)' : 'Make a competition a draft again (hidden from participants)',
    help:
      action === 'publish'
        ? `Usage: arena competitions publish --slug SLUG

A new competition is a draft: only organizers see it. Publishing shows it on the home page and
lets participants join; it needs an active test set (arena testset import … --activate).
Works on the database of DATABASE_URL, like arena competitions create.`
        : `Usage: arena competitions unpublish --slug SLUG

Makes the competition a draft again: participants no longer see or join it; nothing is deleted.`,
    async run(args) {
      let slug: string | undefined
      try {
        slug = parseArgs({ args, strict: true, allowPositionals: false, options: { slug: { type: 'string' } } }).values.slug
      } catch (err) {
        throw new UsageError(`${err instanceof Error ? err.message : String(err)} (see --help)`)
      }
      if (!slug) throw new UsageError('missing --slug (see --help)')
      const { publishCompetition, unpublishCompetition } = await import('../../lib/competitions/publish.ts')
      try {
        await applyMigrations({ url: config().databaseUrl, log: (line) => console.error(line) })
        const c = action === 'publish' ? await publishCompetition(slug) : await unpublishCompetition(slug)
        console.log(action === 'publish' ? `published ${c.slug}: participants can see and join it` : `${c.slug} is a draft again: only organizers see it`)
        return 0
      } catch (err) {
        if (isApiError(err)) throw new UsageError(err.message)
        throw err
      } finally {
        await closeDb()
      }
    },
  }
}

export const competitionsPublishCommand = publishCommand('publish')
export const competitionsUnpublishCommand = publishCommand('unpublish')
