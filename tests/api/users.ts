// Signs users up through the API and gives each an API token, as a participant would.
import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'
import { POST as signup } from '../../app/api/auth/signup/route.ts'
import { POST as signin } from '../../app/api/auth/signin/route.ts'
import { POST as createToken } from '../../app/api/tokens/route.ts'
import { POST as join } from '../../app/api/competitions/[slug]/join/route.ts'
import { POST as upload } from '../../app/api/competitions/[slug]/submissions/route.ts'
import { params, type TestApp } from '../helpers/app.ts'

export interface TestUser {
  id: string
  name: string
  email: string
  role: string
  cookie: string
  token: string
}

export async function signUp(app: TestApp, name = `user-${randomBytes(3).toString('hex')}`): Promise<TestUser> {
  const email = `${name}-${randomBytes(4).toString('hex')}@example.test`
  expect((await signup(app.request('/api/auth/signup', { json: { email, name, password: 'correct horse battery' } }))).status).toBe(202)
  const res = await signin(app.request('/api/auth/signin', { json: { email, password: 'correct horse battery' } }))
  expect(res.status).toBe(200)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]
  const { user } = (await res.json()) as { user: { id: string; role: string } }
  const tokRes = await createToken(app.request('/api/tokens', { json: { name: 'test' }, headers: { cookie } }))
  expect(tokRes.status).toBe(201)
  const { token } = (await tokRes.json()) as { token: string }
  return { id: user.id, name, email, role: user.role, cookie, token }
}

/** Makes a user an organizer directly (sign-up only ever makes participants). */
export async function makeOrganizer(app: TestApp, name = 'organizer'): Promise<TestUser> {
  const u = await signUp(app, name)
  await app.db.user.update({ where: { id: u.id }, data: { role: 'organizer' } })
  return { ...u, role: 'organizer' }
}

export async function joinComp(app: TestApp, user: TestUser, slug: string): Promise<{ id: string; name: string; inviteCode: string }> {
  const res = await join(app.request(`/api/competitions/${slug}/join`, { method: 'POST', token: user.token }), params({ slug }))
  expect(res.status).toBe(200)
  return ((await res.json()) as { team: { id: string; name: string; inviteCode: string } }).team
}

/** Uploads a CSV as the raw request body; returns the response (status + JSON). */
export async function submit(app: TestApp, user: TestUser, slug: string, csv: string, description = 'test'): Promise<{ status: number; body: Record<string, unknown> & { submission?: { id: string } } }> {
  const res = await upload(
    app.request(`/api/competitions/${slug}/submissions?filename=sub.csv&description=${encodeURIComponent(description)}`, { method: 'POST', token: user.token, body: csv }),
    params({ slug }),
  )
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { submission?: { id: string } } }
}
