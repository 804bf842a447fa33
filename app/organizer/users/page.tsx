import type { Metadata } from 'next'
import { cookies } from 'next/headers'
import { listUsers } from '@/lib/views/organizer'
import { currentOrganizer } from '@/lib/web/session'
import { FLASH_RESET_COOKIE } from '@/lib/web/reset-flash'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { fmtDate } from '@/app/components/format'
import { ConsoleNav, Denied } from '../Denied'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Users' }

function Action({ userId, action, label, extra }: { userId: string; action: string; label: string; extra?: Record<string, string> }) {
  return (
    <form method="post" action="/forms/organizer/users" style={{ display: 'inline' }}>
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="action" value={action} />
      {Object.entries(extra ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit" className="small secondary">
        {label}
      </button>
    </form>
  )
}

export default async function Users({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const { user, allowed } = await currentOrganizer()
  if (!allowed || !user) return <Denied signedIn={user !== null} returnTo="/organizer/users" />
  const [{ rows, total }, jar] = await Promise.all([listUsers(), cookies()])
  const raw = jar.get(FLASH_RESET_COOKIE)?.value
  const resetLink = raw ? decodeURIComponent(raw) : null
  return (
    <>
      <h1>Users</h1>
      <ConsoleNav current="users" />
      <Flash error={sp.error} notice={sp.notice} />
      {resetLink && (
        <section className="card" aria-labelledby="reset-h" role="status">
          <h2 id="reset-h">Password-reset link</h2>
          <p>Give this link to the person: it works once, within one hour (mailed too when the platform has SMTP settings).</p>
          <p className="token-once" data-testid="reset-link">
            {resetLink}
          </p>
        </section>
      )}
      <p className="muted">
        {total} account{total === 1 ? '' : 's'}
        {rows.length < total && `; the newest ${rows.length} are shown`}. Teams are listed on each competition’s console page. A disabled
        account cannot sign in and its sessions and API tokens stop working.
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
              <th className="num" scope="col">Teams</th>
              <th className="num" scope="col">Submissions</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.name}
                  {u.disabledAt && (
                    <div>
                      <span className="badge failed">disabled</span>
                    </div>
                  )}
                </td>
                <td>{u.email}</td>
                <td>{u.role === 'organizer' ? <strong>organizer</strong> : 'participant'}</td>
                <td>{fmtDate(u.createdAt)}</td>
                <td className="num">{u.teams}</td>
                <td className="num">{u.submissions}</td>
                <td>
                  {u.id === user.id ? (
                    <span className="muted">you</span>
                  ) : (
                    <>
                      {u.role === 'organizer' ? (
                        <Action userId={u.id} action="role" label="Make participant" extra={{ role: 'participant' }} />
                      ) : (
                        <Action userId={u.id} action="role" label="Make organizer" extra={{ role: 'organizer' }} />
                      )}{' '}
                      {u.disabledAt ? <Action userId={u.id} action="enable" label="Enable" /> : <Action userId={u.id} action="disable" label={`Disable ${u.name}`} />}{' '}
                    </>
                  )}
                  <Action userId={u.id} action="reset" label="Reset link" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
