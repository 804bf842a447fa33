import type { Metadata } from 'next'
import { listUsers } from '@/lib/views/organizer'
import { currentOrganizer } from '@/lib/web/session'
import { fmtDate } from '@/app/components/format'
import { ConsoleNav, Denied } from '../Denied'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Users' }

export default async function Users() {
  const { user, allowed } = await currentOrganizer()
  if (!allowed) return <Denied signedIn={user !== null} returnTo="/organizer/users" />
  const { rows, total } = await listUsers()
  return (
    <>
      <h1>Users</h1>
      <ConsoleNav current="users" />
      <p className="muted">
        {total} account{total === 1 ? '' : 's'}
        {rows.length < total && `; the newest ${rows.length} are shown`}. Teams are listed on each competition’s console page.
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Joined</th>
            <th className="num" scope="col">Teams</th>
            <th className="num" scope="col">Submissions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr key={u.id}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>{u.role === 'organizer' ? <strong>organizer</strong> : 'participant'}</td>
              <td>{fmtDate(u.createdAt)}</td>
              <td className="num">{u.teams}</td>
              <td className="num">{u.submissions}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
