// Users: disabling an account stops sign-in, sessions and API tokens; role changes; one-time
// password-reset links (hashed, expiring, single use); name and password changes.
import { expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { useTestApp } from '../helpers/app.ts'
import { makeOrganizer, signUp } from '../api/users.ts'
import { GET as me } from '../../app/api/auth/me/route.ts'
import { authenticate, sha256 } from '../../lib/accounts/auth.ts'
import { changePassword, setDisabled, setRole, updateProfile } from '../../lib/accounts/admin.ts'
import { checkPasswordReset, createPasswordReset, resetLink, resetPassword, RESET_TTL_MS } from '../../lib/accounts/password-reset.ts'
import { setClock } from '../../lib/platform/clock.ts'
import { GET as listUsers } from '../../app/api/users/route.ts'
import { PATCH as patchUser } from '../../app/api/users/[id]/route.ts'
import { POST as issueReset } from '../../app/api/users/[id]/password-reset/route.ts'
import { params } from '../helpers/app.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)
  const PASSWORD = 'correct horse battery'

  it('a disabled account cannot sign in and its session and token stop working; enabling restores the token', async () => {
    const org = await makeOrganizer(app)
    const u = await signUp(app)
    expect((await me(app.request('/api/auth/me', { token: u.token }))).status).toBe(200)
    await expect(setDisabled(org, org.id, true)).rejects.toThrow('You cannot disable your own account')
    await setDisabled(org, u.id, true)
    expect(await authenticate(u.email, PASSWORD)).toBeNull()
    expect((await me(app.request('/api/auth/me', { token: u.token }))).status).toBe(401)
    expect((await me(app.request('/api/auth/me', { headers: { cookie: u.cookie } }))).status).toBe(401)
    expect(await t.db.session.count({ where: { userId: u.id } })).toBe(0)
    await setDisabled(org, u.id, false)
    expect((await me(app.request('/api/auth/me', { token: u.token }))).status).toBe(200)
    expect((await authenticate(u.email, PASSWORD))?.id).toBe(u.id)
  })

  it('changes roles, but not the own organizer role', async () => {
    const org = await makeOrganizer(app)
    const u = await signUp(app)
    expect((await setRole(org, u.id, 'organizer')).role).toBe('organizer')
    expect((await setRole(org, u.id, 'participant')).role).toBe('participant')
    await expect(setRole(org, org.id, 'participant')).rejects.toThrow('You cannot remove your own organizer role')
  })

  it('reset links are stored hashed, work once and expire after an hour', async () => {
    const u = await signUp(app)
    const reset = await createPasswordReset({ email: u.email.toUpperCase() })
    expect(resetLink('http://arena.test/', reset.token)).toBe(`http://arena.test/reset?token=${reset.token}`)
    const row = await t.db.passwordReset.findFirstOrThrow({ where: { userId: u.id } })
    expect(row.tokenHash).toBe(sha256(reset.token))
    expect(row.tokenHash).not.toContain(reset.token)
    expect((await checkPasswordReset(reset.token)).email).toBe(u.email)
    await expect(resetPassword(reset.token, 'short')).rejects.toThrow('at least 8 characters')
    await resetPassword(reset.token, 'a brand new password')
    expect(await authenticate(u.email, PASSWORD)).toBeNull()
    expect((await authenticate(u.email, 'a brand new password'))?.id).toBe(u.id)
    // Signed out everywhere; the link is used up.
    expect((await me(app.request('/api/auth/me', { headers: { cookie: u.cookie } }))).status).toBe(401)
    await expect(resetPassword(reset.token, 'yet another password')).rejects.toThrow('invalid, expired or already used')

    const late = await createPasswordReset({ userId: u.id })
    setClock(() => new Date(Date.now() + RESET_TTL_MS + 1000))
    try {
      await expect(checkPasswordReset(late.token)).rejects.toThrow('invalid, expired or already used')
    } finally {
      setClock(undefined)
    }
    await expect(createPasswordReset({ email: 'nobody@example.test' })).rejects.toThrow('No account with this email')
  })

  it('changes the own name and password', async () => {
    const u = await signUp(app)
    expect((await updateProfile(u.id, { name: '  New Name ' })).name).toBe('New Name')
    await expect(updateProfile(u.id, { name: ' ' })).rejects.toThrow('Name must not be empty')
    await expect(changePassword(u.id, 'wrong password', 'another password')).rejects.toThrow('The current password is wrong')
    await changePassword(u.id, PASSWORD, 'another password')
    expect((await authenticate(u.email, 'another password'))?.id).toBe(u.id)
  })

  it('the users API: organizers only; role, disable and reset link', async () => {
    const org = await makeOrganizer(app)
    const u = await signUp(app)
    const p = params({ id: u.id })
    expect((await listUsers(app.request('/api/users', { token: u.token }))).status).toBe(403)
    const list = (await (await listUsers(app.request('/api/users', { token: org.token }))).json()) as { users: { email: string; disabledAt: string | null }[] }
    expect(list.users.find((x) => x.email === u.email)).toMatchObject({ disabledAt: null })
    expect((await patchUser(app.request(`/api/users/${u.id}`, { method: 'PATCH', json: { role: 'organizer' }, token: u.token }), p)).status).toBe(403)
    expect((await patchUser(app.request(`/api/users/${u.id}`, { method: 'PATCH', json: {}, token: org.token }), p)).status).toBe(400)
    const disabled = await patchUser(app.request(`/api/users/${u.id}`, { method: 'PATCH', json: { disabled: true }, token: org.token }), p)
    expect(await disabled.json()).toMatchObject({ user: { id: u.id, disabled: true, role: 'participant' } })
    expect((await me(app.request('/api/auth/me', { token: u.token }))).status).toBe(401)
    expect((await patchUser(app.request(`/api/users/${org.id}`, { method: 'PATCH', json: { disabled: true }, token: org.token }), params({ id: org.id }))).status).toBe(409)
    await patchUser(app.request(`/api/users/${u.id}`, { method: 'PATCH', json: { disabled: false }, token: org.token }), p)
    const issued = await issueReset(app.request(`/api/users/${u.id}/password-reset`, { method: 'POST', token: org.token, headers: { host: 'arena.example.org' } }), p)
    expect(issued.status).toBe(201)
    const body = (await issued.json()) as { link: string; mailed: boolean }
    expect(body.mailed).toBe(false)
    expect(body.link).toMatch(/^http:\/\/arena\.example\.org\/reset\?token=/)
    await resetPassword(decodeURIComponent(body.link.split('token=')[1]), 'reset by api 123')
    expect((await authenticate(u.email, 'reset by api 123'))?.id).toBe(u.id)
  })
})
