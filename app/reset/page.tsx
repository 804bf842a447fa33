import type { Metadata } from 'next'
import { checkPasswordReset } from '@/lib/accounts/password-reset'
import { isApiError } from '@/lib/errors'
import { Flash, param, type SearchParams } from '@/app/components/Flash'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Set a new password' }

/** Opened from a one-time reset link (`/reset?token=…`): choose a new password. */
export default async function Reset({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const token = param(sp.token) ?? ''
  let account: { email: string } | null = null
  let problem: string | null = null
  try {
    account = token ? await checkPasswordReset(token) : null
    if (!token) problem = 'Open the link an organizer gave you; it holds a one-time code.'
  } catch (err) {
    problem = isApiError(err) ? err.message : 'This reset link cannot be checked right now'
  }
  return (
    <section className="card auth-card" aria-labelledby="reset-h">
      <h1 id="reset-h">Set a new password</h1>
      <Flash error={problem ?? sp.error} />
      {account && (
        <form method="post" action="/forms/account/reset">
          <p className="muted">For {account.email}. The link works once; you are signed out everywhere afterwards.</p>
          <input type="hidden" name="token" value={token} />
          <label htmlFor="password">New password</label>
          <input id="password" name="password" type="password" autoComplete="new-password" minLength={8} required autoFocus />
          <label htmlFor="confirm">Repeat the new password</label>
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" minLength={8} required />
          <div className="actions">
            <button type="submit">Set password</button>
          </div>
        </form>
      )}
    </section>
  )
}
