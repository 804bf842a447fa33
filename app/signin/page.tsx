import type { Metadata } from 'next'
import { Flash, param, type SearchParams } from '@/app/components/Flash'
import { FieldError } from '@/app/components/FieldError'
import { safePath } from '@/lib/web/forms'

export const metadata: Metadata = { title: 'Sign in' }

export default async function SignIn({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const returnTo = safePath(param(sp.returnTo), '/')
  const field = param(sp.field)
  const error = param(sp.error)
  // A failed attempt comes back here (app/(forms)/forms/signin) with the error, the field it is
  // about and the e-mail typed; errors about no field show above the form.
  const on = (name: string) => (field === name ? error : undefined)
  const email = param(sp.email) ?? ''
  return (
    <section className="card auth-card" aria-labelledby="signin-h">
      <h1 id="signin-h">Sign in</h1>
      <Flash error={field === 'email' || field === 'password' ? undefined : error} notice={sp.notice} />
      <form method="post" action="/forms/signin">
        <input type="hidden" name="returnTo" value={returnTo} />
        <label htmlFor="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          autoFocus={!email}
          defaultValue={email}
          aria-invalid={on('email') ? true : undefined}
          aria-describedby={on('email') ? 'email-error' : undefined}
        />
        <FieldError id="email-error" message={on('email')} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus={!!email}
          aria-invalid={on('password') ? true : undefined}
          aria-describedby={on('password') ? 'password-error' : undefined}
        />
        <FieldError id="password-error" message={on('password')} />
        <div className="actions">
          <button type="submit">Sign in</button>
          <a href={`/signup?returnTo=${encodeURIComponent(returnTo)}`}>No account yet? Sign up</a>
        </div>
      </form>
    </section>
  )
}
