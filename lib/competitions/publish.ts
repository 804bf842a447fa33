// Draft → published: a competition becomes visible to participants (isVisibleTo in
// ./competitions.ts) only when an organizer publishes it, which needs an active test set so that
// the first submission can be scored. Unpublishing hides it again (its data stays).
import { db, type Competition } from '../platform/db.ts'
import { now } from '../platform/clock.ts'
import { conflict } from '../errors.ts'
import { requireCompetition } from './competitions.ts'

/** Publishes a draft; idempotent. Refused (409 no_active_testset) without an active test set. */
export async function publishCompetition(slug: string): Promise<Competition> {
  const c = await requireCompetition(slug)
  if (!c.activeTestSetId) {
    throw conflict(`Competition '${slug}' has no active test set: upload one and activate it before publishing`, 'no_active_testset')
  }
  if (c.publishedAt) return c
  return db().competition.update({ where: { id: c.id }, data: { publishedAt: now() } })
}

/** Makes a competition a draft again: participants no longer see it. Idempotent. */
export async function unpublishCompetition(slug: string): Promise<Competition> {
  const c = await requireCompetition(slug)
  if (!c.publishedAt) return c
  return db().competition.update({ where: { id: c.id }, data: { publishedAt: null } })
}
