import type { Metadata } from 'next'
import { jobCounts, jobsFor } from '@/lib/views/organizer'
import { currentOrganizer } from '@/lib/web/session'
import type { JobStatus } from '@/lib/queue'
import { Flash, param, type SearchParams } from '@/app/components/Flash'
import { AutoRefresh } from '@/app/components/AutoRefresh'
import { ConsoleNav, Denied } from '../Denied'
import { JobsTable } from '../JobsTable'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Jobs' }

const STATUSES: JobStatus[] = ['queued', 'running', 'failed', 'done']

export default async function Jobs({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const { user, allowed } = await currentOrganizer()
  if (!allowed) return <Denied signedIn={user !== null} returnTo="/organizer/jobs" />
  const requested = param(sp.status)
  const status = STATUSES.find((s) => s === requested)
  const [jobs, counts] = await Promise.all([jobsFor({ status, limit: 200 }), jobCounts()])
  const here = `/organizer/jobs${status ? `?status=${status}` : ''}`
  return (
    <>
      <h1>Jobs</h1>
      <ConsoleNav current="jobs" />
      <AutoRefresh active={counts.queued + counts.running > 0} ms={3000} />
      <Flash error={sp.error} notice={sp.notice} />
      <nav className="subtabs" aria-label="Filter by status">
        <a href="/organizer/jobs" aria-current={!status ? 'page' : undefined}>
          all
        </a>
        {STATUSES.map((s) => (
          <a key={s} href={`/organizer/jobs?status=${s}`} aria-current={status === s ? 'page' : undefined}>
            {s} ({s === 'failed' ? counts.failed + counts.rejected : counts[s]})
          </a>
        ))}
      </nav>
      <JobsTable jobs={jobs} returnTo={here} />
    </>
  )
}
