// Organizer operations on competitions: create, edit, reveal.
import { z } from 'zod'
import { db, type Competition } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { conflict, isUniqueViolation } from '../errors.ts'
import { requireCompetition, SLUG_PATTERN } from './competitions.ts'

const fields = {
  title: z.string().trim().min(1).max(200),
  subtitle: z.string().max(300),
  description: z.string().max(100_000),
  rules: z.string().max(100_000),
  startAt: z.coerce.date(),
  deadline: z.coerce.date(),
  mergerDeadline: z.coerce.date().nullable(),
  dailySubmissionLimit: z.number().int().min(1).max(1000),
  maxTeamSize: z.number().int().min(1).max(100),
  finalSelectionLimit: z.number().int().min(1).max(100),
  publicFraction: z.number().gt(0).lt(1),
}

export const createCompetitionSchema = z.object({
  slug: z.string().regex(SLUG_PATTERN, 'slug: lower-case letters, digits and dashes'),
  ...fields,
  subtitle: fields.subtitle.optional(),
  description: fields.description.optional(),
  rules: fields.rules.optional(),
  mergerDeadline: fields.mergerDeadline.optional(),
  dailySubmissionLimit: fields.dailySubmissionLimit.optional(),
  maxTeamSize: fields.maxTeamSize.optional(),
  finalSelectionLimit: fields.finalSelectionLimit.optional(),
  publicFraction: fields.publicFraction.optional(),
})
export type CreateCompetitionInput = z.output<typeof createCompetitionSchema>

export const updateCompetitionSchema = z.object(fields).partial()
export type UpdateCompetitionInput = z.output<typeof updateCompetitionSchema>

function checkDates(c: { startAt: Date; deadline: Date; mergerDeadline?: Date | null }): void {
  if (c.deadline <= c.startAt) throw new z.ZodError([{ code: 'custom', path: ['deadline'], message: 'deadline must be after startAt', input: c.deadline }])
  if (c.mergerDeadline && (c.mergerDeadline > c.deadline || c.mergerDeadline < c.startAt)) {
    throw new z.ZodError([{ code: 'custom', path: ['mergerDeadline'], message: 'mergerDeadline must lie between startAt and deadline', input: c.mergerDeadline }])
  }
}

/** A new competition is a draft (publishedAt null) until publishCompetition (./publish.ts). */
export async function createCompetition(input: CreateCompetitionInput): Promise<Competition> {
  checkDates(input)
  try {
    return await db().competition.create({ data: { ...input, publishedAt: null } })
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`A competition with slug '${input.slug}' exists`, 'slug_taken')
    throw err
  }
}

export async function updateCompetition(slug: string, input: UpdateCompetitionInput): Promise<Competition> {
  const current = await requireCompetition(slug)
  checkDates({ ...current, ...input })
  return db().competition.update({ where: { id: current.id }, data: input })
}

/** Reveals the private leaderboard; only once the competition is over. Idempotent. */
export async function revealPrivateLeaderboard(slug: string): Promise<Competition> {
  const c = await requireCompetition(slug)
  if (now() < c.deadline) throw conflict('The private leaderboard can only be revealed after the deadline', 'before_deadline')
  if (c.privateRevealedAt) return c
  return db().competition.update({ where: { id: c.id }, data: { privateRevealedAt: now() } })
}
