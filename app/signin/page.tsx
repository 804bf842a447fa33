import type { Metadata } from 'next'
import { Flash, param, type SearchParams } from '@/app/components/Flash'
import { safePath } from '@/lib/web/forms'

export const metadata: Metadata = { title: 'Sign in' }

export default async function SignIn({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const returnTo = safePath(param(sp.returnTo), '/')
  // After sign-up the form sends the new account here with its e-mail filled in.
  const email = param(sp.email) ?? ''
  return (
    <section className="card auth-card" aria-labelledby="signin-h">
      <h1 id="signin-h">Sign in</h1>
      <Flash error={sp.error} notice={sp.notice} />
      <form method="post" action="/forms/signin">
        <input type="hidden" name="returnTo" value={returnTo} />
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required autoFocus={!email} defaultValue={email} />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required autoFocus={!!email} />
        <div className="actions">
          <button type="submit">Sign in</button>
          <a href={`/signup?returnTo=${encodeURIComponent(returnTo)}`}>No account yet? Sign up</a>
        </div>
      </form>
    </section>
  )
}
