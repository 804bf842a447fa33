// The sign-in and sign-up form routes: a failed attempt returns to its own form with the error,
// the field it is about and the e-mail kept (never the password), not to the page the visitor came from.
import { expect, it } from 'vitest'
import { POST as signin } from '../../app/(forms)/forms/signin/route.ts'
import { POST as signup } from '../../app/(forms)/forms/signup/route.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { useTestApp, type TestApp } from '../helpers/app.ts'
import { signUp } from '../api/users.ts'

function post(app: TestApp, path: string, fields: Record<string, string>): Request {
  return app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
}

function location(res: Response): URL {
  expect(res.status).toBe(303)
  return new URL(res.headers.get('location')!, 'http://arena.test')
}

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('a wrong password returns to the sign-in form with the e-mail kept and the error beside the password', async () => {
    const u = await signUp(app, 'signin-user')
    const res = await signin(post(app, '/forms/signin', { email: u.email, password: 'wrong password', returnTo: '/competitions/x' }))
    const to = location(res)
    expect(to.pathname).toBe('/signin')
    expect(Object.fromEntries(to.searchParams)).toEqual({ error: 'Wrong email or password', field: 'password', email: u.email, returnTo: '/competitions/x' })
    expect(res.headers.get('set-cookie')).toBeNull()
    const ok = location(await signin(post(app, '/forms/signin', { email: u.email, password: 'correct horse battery', returnTo: '/competitions/x' })))
    expect(ok.pathname).toBe('/competitions/x')
  })

  it('sign-up with a taken e-mail answers exactly like a new one (no enumeration), with the e-mail kept', async () => {
    const u = await signUp(app, 'taken-user')
    const answer = async (email: string) => location(await signup(post(app, '/forms/signup', { name: 'Someone Else', email, password: 'long enough pw', returnTo: '/competitions/y' })))
    const taken = await answer(u.email)
    const fresh = await answer(`fresh-${Date.now()}@example.test`)
    expect(taken.pathname).toBe('/signin')
    expect(taken.pathname).toBe(fresh.pathname)
    expect(taken.searchParams.get('email')).toBe(u.email)
    expect(taken.searchParams.get('returnTo')).toBe('/competitions/y')
    expect(taken.searchParams.get('notice')).toBe(fresh.searchParams.get('notice'))
    expect([...taken.searchParams.values()].join(' ')).not.toContain('long enough pw')
    expect(await app.db.user.count({ where: { email: u.email } })).toBe(1)
  })

  it('a short password is reported beside the password field', async () => {
    const to = location(await signup(post(app, '/forms/signup', { name: 'Short', email: 'short-pw@example.test', password: 'abc' })))
    expect(to.pathname).toBe('/signup')
    expect(to.searchParams.get('field')).toBe('password')
    expect(to.searchParams.get('error')).toBe('Password must be at least 8 characters')
    expect(to.searchParams.get('email')).toBe('short-pw@example.test')
  })
})
