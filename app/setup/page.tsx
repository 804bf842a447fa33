// The one-time setup link printed in the server log while the platform has no organizer
// (lib/accounts/setup.ts): sign up or sign in, then make that account the organizer.
import type { Metadata } from 'next'
import { Flash, param, type SearchParams } from '@/app/components/Flash'
import { setupTokenValid } from '@/lib/accounts/setup'
import { currentUser } from '@/lib/web/session'

export const metadata: Metadata = { title: 'Set up' }
export const dynamic = 'force-dynamic'

export default async function Setup({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const token = param(sp.token) ?? ''
  const [valid, user] = await Promise.all([setupTokenValid(token), currentUser()])
  const here = `/setup?token=${encodeURIComponent(token)}`
  return (
    <section className="card auth-card" aria-labelledby="setup-h">
      <h1 id="setup-h">Become the organizer</h1>
      <Flash error={sp.error} notice={sp.notice} />
      {!valid ? (
        <p>
          This setup link is not valid: an organizer exists already, or the link was used. An organizer can be made with{' '}
          <code>npx arena users create --organizer</code> or the <code>ARENA_ADMIN_EMAIL</code> setting.
        </p>
      ) : user ? (
        <form method="post" action="/forms/setup">
          <input type="hidden" name="token" value={token} />
          <p>
            Signed in as {user.name} ({user.email}). This platform has no organizer yet: make this account its organizer.
          </p>
          <div className="actions">
            <button type="submit">Make me the organizer</button>
          </div>
        </form>
      ) : (
        <p>
          This platform has no organizer yet. <a href={`/signup?returnTo=${encodeURIComponent(here)}`}>Create an account</a> or{' '}
          <a href={`/signin?returnTo=${encodeURIComponent(here)}`}>sign in</a>, then come back to this link to become its organizer.
        </p>
      )}
    </section>
  )
}
