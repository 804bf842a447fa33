import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { z } from 'zod'
import { findCompetition } from '@/lib/competitions/competitions'
import { activationEffect } from '@/lib/testsets/reads'
import { listTeams } from '@/lib/views/organizer'
import { currentOrganizer } from '@/lib/web/session'
import { param, type SearchParams } from '@/app/components/Flash'
import { fmtDate } from '@/app/components/format'
import { Denied } from '../../Denied'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Confirm' }

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/**
 * The confirmation step of actions that change what everyone sees (activate a test-set version,
 * reveal the private leaderboard): states their effect and posts the form with confirm=yes. A
 * plain page, so it works without JavaScript.
 */
export default async function Confirm({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: SearchParams }) {
  const { slug } = await params
  const sp = await searchParams
  const back = `/organizer/${slug}`
  const { user, allowed } = await currentOrganizer()
  if (!allowed) return <Denied signedIn={user !== null} returnTo={back} />
  const c = await findCompetition(slug)
  if (!c) notFound()
  const action = param(sp.action)
  if (action === 'activate') {
    const version = z.coerce.number().int().min(1).safeParse(param(sp.version))
    if (!version.success) notFound()
    const effect = await activationEffect(slug, version.data)
    return (
      <section className="card" aria-labelledby="confirm-h">
        <h1 id="confirm-h">Activate test-set version {effect.version.version}?</h1>
        <ul>
          <li>
            Rescores <strong data-testid="rescore-count">{plural(effect.rescored, 'submission')}</strong> against version {effect.version.version} (
            {effect.version.imageCount} images, {effect.version.publicCount} public)
            {effect.reused > 0 && `; ${plural(effect.reused, 'submission')} take back their earlier scores for this version`}
            {effect.pending > 0 && `; ${plural(effect.pending, 'pending submission')} will be scored against it`}.
          </li>
          <li>Leaderboard scores change as the jobs finish; scores against the current version stay as history.</li>
          <li>Participants see a notice that the test set changed.</li>
        </ul>
        <form method="post" action="/forms/organizer/activate">
          <input type="hidden" name="slug" value={c.slug} />
          <input type="hidden" name="version" value={effect.version.version} />
          <input type="hidden" name="confirm" value="yes" />
          <input type="hidden" name="returnTo" value={back} />
          <div className="actions">
            <button type="submit">Activate version {effect.version.version}</button>
            <a href={back}>Cancel</a>
          </div>
        </form>
      </section>
    )
  }
  if (action === 'reveal') {
    const teams = await listTeams(c.id, 1)
    return (
      <section className="card" aria-labelledby="confirm-h">
        <h1 id="confirm-h">Reveal the private leaderboard?</h1>
        <ul>
          <li>
            Everyone sees the private leaderboard and the private scores of {plural(teams.total, 'team')}; the final ranking is public from now on.
          </li>
          <li>It cannot be undone. The deadline was {fmtDate(c.deadline)}.</li>
        </ul>
        <form method="post" action="/forms/organizer/reveal">
          <input type="hidden" name="slug" value={c.slug} />
          <input type="hidden" name="confirm" value="yes" />
          <input type="hidden" name="returnTo" value={back} />
          <div className="actions">
            <button type="submit">Reveal private leaderboard</button>
            <a href={back}>Cancel</a>
          </div>
        </form>
      </section>
    )
  }
  notFound()
}
