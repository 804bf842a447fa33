import type { Metadata } from 'next'
import { listCompetitions } from '@/lib/competitions/competitions'
import { jobCounts } from '@/lib/views/organizer'
import { currentOrganizer } from '@/lib/web/session'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { fmtDate } from '@/app/components/format'
import { CompetitionForm } from './CompetitionForm'
import { ConsoleNav, Denied } from './Denied'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Organizer console' }

export default async function Organizer({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const { user, allowed } = await currentOrganizer()
  if (!allowed) return <Denied signedIn={user !== null} returnTo="/organizer" />
  const [competitions, counts] = await Promise.all([listCompetitions(new Date(), user), jobCounts()])
  return (
    <>
      <h1>Organizer console</h1>
      <ConsoleNav current="home" />
      <Flash error={sp.error} notice={sp.notice} />
      <p>
        Jobs: {counts.queued} queued · {counts.running} running · <span className={counts.failed > 0 ? 'error' : undefined}>{counts.failed} failed</span> · {counts.rejected} invalid submission
        {counts.rejected === 1 ? '' : 's'} (participants’ errors, not alarms) —{' '}
        <a href="/organizer/jobs">see jobs</a>
      </p>
      <table>
        <caption className="sr-only">Competitions</caption>
        <thead>
          <tr>
            <th scope="col">Competition</th>
            <th scope="col">Phase</th>
            <th scope="col">Deadline</th>
            <th className="num" scope="col">Teams</th>
            <th className="num" scope="col">Submissions</th>
            <th scope="col">Test set</th>
          </tr>
        </thead>
        <tbody>
          {competitions.map((c) => (
            <tr key={c.id}>
              <td>
                <a href={`/organizer/${c.slug}`}>{c.title}</a>
                <div className="muted">
                  <code>{c.slug}</code>
                </div>
              </td>
              <td>
                <span className={`badge ${c.phase}`}>{c.phase}</span>
                {!c.publishedAt && <div className="muted">draft (hidden)</div>}
                {c.privateRevealedAt && <div className="muted">revealed</div>}
              </td>
              <td>{fmtDate(c.deadline)}</td>
              <td className="num">{c.teamCount}</td>
              <td className="num">{c.submissionCount}</td>
              <td>{c.activeTestSetId ? 'active' : <span className="error">none</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <section className="card" aria-labelledby="new-h" style={{ marginTop: '1.5rem' }}>
        <h2 id="new-h">New competition</h2>
        <CompetitionForm />
      </section>
    </>
  )
}
