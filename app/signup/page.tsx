import type { Metadata } from 'next'
import { Flash, param, type SearchParams } from '@/app/components/Flash'
import { FieldError } from '@/app/components/FieldError'
import { safePath } from '@/lib/web/forms'

export const metadata: Metadata = { title: 'Sign up' }

export default async function SignUp({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const returnTo = safePath(param(sp.returnTo), '/')
  const field = param(sp.field)
  const error = param(sp.error)
  // A failed attempt comes back here (app/(forms)/forms/signup) with the error beside its field
  // and the name and e-mail typed (never the password).
  const on = (name: string) => (field === name ? error : undefined)
  const invalid = (name: string) => (on(name) ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {})
  const email = param(sp.email) ?? ''
  const name = param(sp.name) ?? ''
  return (
    <section className="card auth-card" aria-labelledby="signup-h">
      <h1 id="signup-h">Create an account</h1>
      <Flash error={field === 'email' || field === 'name' || field === 'password' ? undefined : error} notice={sp.notice} />
      <form method="post" action="/forms/signup">
        <input type="hidden" name="returnTo" value={returnTo} />
        <label htmlFor="name">Name</label>
        <input id="name" name="name" autoComplete="name" required maxLength={80} autoFocus={!field} defaultValue={name} {...invalid('name')} />
        <FieldError id="name-error" message={on('name')} />
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required defaultValue={email} autoFocus={field === 'email'} {...invalid('email')} />
        <FieldError id="email-error" message={on('email')} />
        {on('email') && field === 'email' && error?.includes('sign in') ? (
          <p className="muted" style={{ margin: '0.25rem 0 0' }}>
            <a href={`/signin?returnTo=${encodeURIComponent(returnTo)}&email=${encodeURIComponent(email)}`}>Sign in with this e-mail</a>
          </p>
        ) : null}
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          autoFocus={field === 'password'}
          aria-invalid={on('password') ? true : undefined}
          aria-describedby={on('password') ? 'password-error pw-hint' : 'pw-hint'}
        />
        <FieldError id="password-error" message={on('password')} />
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
