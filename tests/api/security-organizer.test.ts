// Issue 11 item 4: the first person to reach the sign-up page of a fresh platform must not own it.
// Open sign-up only makes participants; an organizer comes from the setup link the server prints,
// ARENA_ADMIN_EMAIL, or `arena users create --organizer`.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { POST as signupForm } from '../../app/(forms)/forms/signup/route.ts'
import { POST as setupForm } from '../../app/(forms)/forms/setup/route.ts'
import { POST as createCompetition } from '../../app/api/competitions/route.ts'
import { createSetupToken, promoteAdminEmail, setupTokenValid } from '../../lib/accounts/setup.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { uniqueSlug, useTestApp } from '../helpers/app.ts'
import { signUp } from './users.ts'

// Read once by config() on first use, which comes after this line.
process.env.ARENA_ADMIN_EMAIL = 'Boss@Example.test'
afterAll(() => {
  delete process.env.ARENA_ADMIN_EMAIL
})

const root = path.resolve(import.meta.dirname, '..', '..')

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

forEachDatabase((t) => {
  const app = useTestApp(t)

  it('makes the first account of a fresh platform a participant, who cannot create competitions', async () => {
    expect(await t.db.user.count()).toBe(0)
    const first = await signUp(app, 'early-bird')
    expect(first.role).toBe('participant')
    expect((await t.db.user.findUniqueOrThrow({ where: { id: first.id } })).role).toBe('participant')
    const input = { slug: uniqueSlug(), title: 'Mine now', startAt: '2026-01-01T00:00:00Z', deadline: '2027-03-01T00:00:00Z' }
    expect((await createCompetition(app.request('/api/competitions', { json: input, token: first.token }))).status).toBe(403)
    // The browser form too.
    const res = await signupForm(
      app.request('/forms/signup', { body: form({ email: 'second@example.test', name: 'Second', password: 'long enough pw' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    )
    expect(res.status).toBe(303)
    expect((await t.db.user.findUniqueOrThrow({ where: { email: 'second@example.test' } })).role).toBe('participant')
  })

  it('makes the holder of the one-time setup link the organizer, once, and only while there is none', async () => {
    const token = await createSetupToken()
    expect(token).toMatch(/^[\w-]{32}$/)
    // Only its digest is stored.
    expect(await t.db.setupToken.count({ where: { tokenHash: token! } })).toBe(0)
    const owner = await signUp(app, 'owner')
    const intruder = await signUp(app, 'intruder')
    const claim = (cookie: string, tok: string) =>
      setupForm(app.request('/forms/setup', { body: form({ token: tok }), headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } }))

    const wrong = await claim(intruder.cookie, 'not-the-token')
    expect(wrong.headers.get('location')).toContain('error=')
    const cross = await setupForm(
      app.request('/forms/setup', { body: form({ token: token! }), headers: { cookie: owner.cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' } }),
    )
    expect(cross.headers.get('location')).toContain('Cross-site')
    expect((await t.db.user.findUniqueOrThrow({ where: { id: owner.id } })).role).toBe('participant')

    const ok = await claim(owner.cookie, token!)
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toMatch(/^\/organizer\?notice=/)
    expect((await t.db.user.findUniqueOrThrow({ where: { id: owner.id } })).role).toBe('organizer')

    // Used up: the same link does nothing for the next visitor, and no new link is printed.
    const again = await claim(intruder.cookie, token!)
    expect(again.headers.get('location')).toContain('error=')
    expect((await t.db.user.findUniqueOrThrow({ where: { id: intruder.id } })).role).toBe('participant')
    expect(await setupTokenValid(token!)).toBe(false)
    expect(await createSetupToken()).toBeNull()
  })

  it('makes the ARENA_ADMIN_EMAIL account organizer when it signs up, and promotes it at start', async () => {
    const boss = await t.db.user.findUnique({ where: { email: 'boss@example.test' } })
    expect(boss).toBeNull()
    const res = await signupForm(
      app.request('/forms/signup', { body: form({ email: 'BOSS@example.test', name: 'Boss', password: 'long enough pw' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    )
    expect(res.status).toBe(303)
    expect((await t.db.user.findUniqueOrThrow({ where: { email: 'boss@example.test' } })).role).toBe('organizer')
    await t.db.user.update({ where: { email: 'boss@example.test' }, data: { role: 'participant' } })
    expect(await promoteAdminEmail()).toBe(true)
    expect((await t.db.user.findUniqueOrThrow({ where: { email: 'boss@example.test' } })).role).toBe('organizer')
  })

  it('creates an organizer from the command line', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/arena.js', 'users', 'create', '--email', 'cli-org@example.test', '--name', 'CLI Org', '--password', 'long enough pw', '--organizer'],
      { cwd: root, env: { ...process.env, DATABASE_URL: t.url, ARENA_ADMIN_EMAIL: '' } },
    )
    expect(stdout).toContain('Created organizer')
    expect((await t.db.user.findUniqueOrThrow({ where: { email: 'cli-org@example.test' } })).role).toBe('organizer')
  })
})
