import type { Metadata } from 'next'
import { currentUser } from '@/lib/web/session'
import { Flash, type SearchParams } from '@/app/components/Flash'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Account' }

export default async function Account({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const user = await currentUser()
  if (!user) {
    return (
      <p className="card">
        <a href="/signin?returnTo=%2Faccount">Sign in</a> to manage your account.
      </p>
    )
  }
  return (
    <>
      <h1>Account</h1>
      <p className="muted">
        Signed in as {user.email} ({user.role}). <a href="/account/tokens">API tokens</a>
      </p>
      <Flash error={sp.error} notice={sp.notice} />
      <section className="card" aria-labelledby="name-h">
        <h2 id="name-h">Name</h2>
        <form method="post" action="/forms/account/profile">
          <label htmlFor="name">Display name</label>
          <input id="name" name="name" defaultValue={user.name} maxLength={80} required autoComplete="name" />
          <div className="actions">
            <button type="submit">Save name</button>
          </div>
        </form>
      </section>
      <section className="card" aria-labelledby="pw-h">
        <h2 id="pw-h">Password</h2>
        <form method="post" action="/forms/account/password">
          <label htmlFor="current">Current password</label>
          <input id="current" name="current" type="password" autoComplete="current-password" required />
          <label htmlFor="password">New password (at least 8 characters)</label>
          <input id="password" name="password" type="password" autoComplete="new-password" minLength={8} required />
          <label htmlFor="confirm">Repeat the new password</label>
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" minLength={8} required />
          <div className="actions">
            <button type="submit">Change password</button>
          </div>
        </form>
      </section>
    </>
  )
}
