import type { Metadata } from 'next'
import { Flash, param, type SearchParams } from '@/app/components/Flash'
import { safePath } from '@/lib/web/forms'

export const metadata: Metadata = { title: 'Sign up' }

export default async function SignUp({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const returnTo = safePath(param(sp.returnTo), '/')
  return (
    <section className="card auth-card" aria-labelledby="signup-h">
      <h1 id="signup-h">Create an account</h1>
      <Flash error={sp.error} notice={sp.notice} />
      <form method="post" action="/forms/signup">
        <input type="hidden" name="returnTo" value={returnTo} />
        <label htmlFor="name">Name</label>
        <input id="name" name="name" autoComplete="name" required maxLength={80} autoFocus />
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="new-password" required minLength={8} aria-describedby="pw-hint" />
        <p id="pw-hint" className="muted" style={{ margin: '0.25rem 0 0' }}>
          At least 8 characters.
        </p>
        <div className="actions">
          <button type="submit">Sign up</button>
          <a href={`/signin?returnTo=${encodeURIComponent(returnTo)}`}>Already registered? Sign in</a>
        </div>
      </form>
    </section>
  )
}
