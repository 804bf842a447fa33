// Every HTML form route (app/(forms)/forms/*): its success (the redirect and the effect), its
// refusal (signed out, or not allowed), and the cross-site check (a foreign Origin with the
// victim's cookie changes nothing). Run against the real route handlers on each database.
import { describe, expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { seedCompetition, uniqueSlug, useTestApp, waitFor, type TestApp } from '../helpers/app.ts'
import { joinComp, makeOrganizer, signUp, type TestUser } from '../api/users.ts'
import { POST as joinForm } from '../../app/(forms)/forms/join/route.ts'
import { POST as selectionForm } from '../../app/(forms)/forms/selection/route.ts'
import { POST as signinForm } from '../../app/(forms)/forms/signin/route.ts'
import { POST as signoutForm } from '../../app/(forms)/forms/signout/route.ts'
import { POST as signupForm } from '../../app/(forms)/forms/signup/route.ts'
import { POST as submitForm } from '../../app/(forms)/forms/submit/route.ts'
import { POST as activateForm } from '../../app/(forms)/forms/organizer/activate/route.ts'
import { POST as competitionForm } from '../../app/(forms)/forms/organizer/competition/route.ts'
import { POST as rescoreForm } from '../../app/(forms)/forms/organizer/rescore/route.ts'
import { POST as retryForm } from '../../app/(forms)/forms/organizer/retry/route.ts'
import { POST as baselineForm } from '../../app/(forms)/forms/organizer/baseline/route.ts'
import { POST as revealForm } from '../../app/(forms)/forms/organizer/reveal/route.ts'
import { POST as teamJoinForm } from '../../app/(forms)/forms/team/join/route.ts'
import { POST as teamLeaveForm } from '../../app/(forms)/forms/team/leave/route.ts'
import { POST as teamMergeForm } from '../../app/(forms)/forms/team/merge/route.ts'
import { POST as teamRenameForm } from '../../app/(forms)/forms/team/rename/route.ts'
import { POST as teamRequestForm } from '../../app/(forms)/forms/team/request/route.ts'
import { POST as tokenCreateForm } from '../../app/(forms)/forms/tokens/create/route.ts'
import { POST as tokenDismissForm } from '../../app/(forms)/forms/tokens/dismiss/route.ts'
import { POST as tokenRevokeForm } from '../../app/(forms)/forms/tokens/revoke/route.ts'
import { POST as profileForm } from '../../app/(forms)/forms/account/profile/route.ts'
import { POST as passwordForm } from '../../app/(forms)/forms/account/password/route.ts'
import { POST as resetForm } from '../../app/(forms)/forms/account/reset/route.ts'
import { createPasswordReset } from '../../lib/accounts/password-reset.ts'

const ORIGIN = 'http://arena.test'
const INVALID_RESET = 'This reset link is invalid, expired or already used; ask an organizer for a new one'
const FOREIGN = 'http://evil.example'

type Handler = (request: Request) => Promise<Response>

function formRequest(path: string, fields: Record<string, string | string[]>, options: { cookie?: string; origin?: string } = {}): Request {
  const body = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one)
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', host: 'arena.test', origin: options.origin ?? ORIGIN }
  if (options.cookie) headers.cookie = options.cookie
  return new Request(`${ORIGIN}${path}`, { method: 'POST', headers, body })
}

/** The 303's target, split into path and query. */
function redirected(res: Response): { path: string; query: URLSearchParams } {
  expect(res.status).toBe(303)
  const url = new URL(res.headers.get('location') ?? '', ORIGIN)
  return { path: url.pathname, query: url.searchParams }
}

async function post(handler: Handler, path: string, fields: Record<string, string | string[]>, options: { cookie?: string; origin?: string } = {}) {
  return redirected(await handler(formRequest(path, fields, options)))
}

forEachDatabase((t) => {
  const app: TestApp = useTestApp(t)

  describe('participant forms', () => {
    it('join: joins as a one-person team; signed out goes to sign-in; cross-site changes nothing', async () => {
      const c = await seedCompetition(app)
      const u = await signUp(app)
      const foreign = await post(joinForm, '/forms/join', { slug: c.slug }, { cookie: u.cookie, origin: FOREIGN })
      expect(foreign.query.get('error')).toMatch(/cross-site/i)
      expect(await app.db.teamMember.count({ where: { userId: u.id, competitionId: c.id } })).toBe(0)
      expect((await post(joinForm, '/forms/join', { slug: c.slug })).path).toBe('/signin')
      const ok = await post(joinForm, '/forms/join', { slug: c.slug }, { cookie: u.cookie })
      expect(ok.path).toBe(`/competitions/${c.slug}/submit`)
      expect(await app.db.teamMember.count({ where: { userId: u.id, competitionId: c.id } })).toBe(1)
      expect((await post(joinForm, '/forms/join', { slug: 'no-such-competition' }, { cookie: u.cookie })).query.get('error')).toMatch(/No competition/)
    })

    it('selection: selecting nothing falls back to the best public; another team’s submission is refused', async () => {
      const c = await seedCompetition(app)
      const u = await signUp(app)
      await joinComp(app, u, c.slug)
      const ok = await post(selectionForm, '/forms/selection', { slug: c.slug }, { cookie: u.cookie })
      expect(ok.path).toBe(`/competitions/${c.slug}/submissions`)
      expect(ok.query.get('notice')).toMatch(/best public/)
      const refused = await post(selectionForm, '/forms/selection', { slug: c.slug, submissionId: 'not-ours' }, { cookie: u.cookie })
      expect(refused.query.get('error')).toMatch(/not your team/)
      const foreign = await post(selectionForm, '/forms/selection', { slug: c.slug }, { cookie: u.cookie, origin: FOREIGN })
      expect(foreign.query.get('error')).toMatch(/cross-site/i)
    })

    it('submit: uploads and redirects to the submission; signed out and cross-site posts are refused', async () => {
      const c = await seedCompetition(app)
      const u = await signUp(app)
      await joinComp(app, u, c.slug)
      const csv = `imgId_eId,val\n${c.truth.ids.flatMap((id) => Array.from({ length: 384 }, (_, k) => `${id}_${k},0.05`)).join('\n')}\n`
      const multipart = (cookie?: string, origin = ORIGIN) => {
        const form = new FormData()
        form.set('slug', c.slug)
        form.set('file', new File([csv], 'sub.csv', { type: 'text/csv' }))
        const headers: Record<string, string> = { host: 'arena.test', origin }
        if (cookie) headers.cookie = cookie
        return new Request(`${ORIGIN}/forms/submit?slug=${c.slug}`, { method: 'POST', headers, body: form })
      }
      expect(redirected(await submitForm(multipart())).path).toBe('/signin')
      const foreign = redirected(await submitForm(multipart(u.cookie, FOREIGN)))
      expect(foreign.query.get('error')).toMatch(/cross-site/i)
      expect(await app.db.submission.count({ where: { competitionId: c.id } })).toBe(0)
      const ok = redirected(await submitForm(multipart(u.cookie)))
      expect(ok.path).toMatch(/^\/submissions\//)
      expect(await app.db.submission.count({ where: { competitionId: c.id } })).toBe(1)
    })

    it('team: join and merge requests the captain accepts, rename, leave', async () => {
      const c = await seedCompetition(app, { maxTeamSize: 4 })
      const [a, b, d] = [await signUp(app), await signUp(app), await signUp(app)]
      const teamA = await joinComp(app, a, c.slug)
      const teamD = await joinComp(app, d, c.slug)
      const members = (teamId: string) => app.db.teamMember.count({ where: { teamId } })
      const pending = () => app.db.teamRequest.findMany({ where: { teamId: teamA.id } })

      expect((await post(teamJoinForm, '/forms/team/join', { inviteCode: teamA.inviteCode })).path).toBe('/signin')
      const foreign = await post(teamJoinForm, '/forms/team/join', { inviteCode: teamA.inviteCode }, { cookie: b.cookie, origin: FOREIGN })
      expect(foreign.query.get('error')).toMatch(/cross-site/i)
      expect(await pending()).toHaveLength(0)
      expect((await post(teamJoinForm, '/forms/team/join', { inviteCode: '' }, { cookie: b.cookie })).query.get('error')).toMatch(/invite code/)
      const asked = await post(teamJoinForm, '/forms/team/join', { inviteCode: teamA.inviteCode }, { cookie: b.cookie })
      expect(asked.path).toBe(`/competitions/${c.slug}/team`)
      const [joinRequest] = await pending()
      expect(joinRequest).toBeDefined()
      // Only the receiving team's captain decides, and only from our own origin.
      expect((await post(teamRequestForm, '/forms/team/request', { slug: c.slug, requestId: joinRequest.id, action: 'accept' }, { cookie: d.cookie })).query.get('error')).toBe('No such request')
      expect((await post(teamRequestForm, '/forms/team/request', { slug: c.slug, requestId: joinRequest.id, action: 'accept' }, { cookie: a.cookie, origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      expect(await members(teamA.id)).toBe(1)
      expect((await post(teamRequestForm, '/forms/team/request', { slug: c.slug, requestId: joinRequest.id, action: 'accept' }, { cookie: a.cookie })).query.get('notice')).toMatch(/joined your team/)
      expect(await members(teamA.id)).toBe(2)

      const mergeForeign = await post(teamMergeForm, '/forms/team/merge', { slug: c.slug, inviteCode: teamA.inviteCode }, { cookie: d.cookie, origin: FOREIGN })
      expect(mergeForeign.query.get('error')).toMatch(/cross-site/i)
      expect((await post(teamMergeForm, '/forms/team/merge', { slug: c.slug, inviteCode: teamA.inviteCode }, { cookie: d.cookie })).query.get('notice')).toMatch(/Asked to merge/)
      const [mergeRequest] = await pending()
      expect((await post(teamRequestForm, '/forms/team/request', { slug: c.slug, requestId: mergeRequest.id, action: 'accept' }, { cookie: a.cookie })).query.get('notice')).toMatch(/merged/)
      expect(await members(teamA.id)).toBe(3)
      expect(await members(teamD.id)).toBe(0)

      expect((await post(teamRenameForm, '/forms/team/rename', { slug: c.slug, name: 'Renamed by stranger' }, { cookie: a.cookie, origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      expect((await post(teamRenameForm, '/forms/team/rename', { slug: c.slug, name: 'Not the captain' }, { cookie: b.cookie })).query.get('error')).toMatch(/Only your team’s captain/)
      expect((await post(teamRenameForm, '/forms/team/rename', { slug: c.slug, name: 'The Renamed' }, { cookie: a.cookie })).query.get('notice')).toMatch(/The Renamed/)
      expect((await app.db.team.findUniqueOrThrow({ where: { id: teamA.id } })).name).toBe('The Renamed')

      const leaveForeign = await post(teamLeaveForm, '/forms/team/leave', { slug: c.slug }, { cookie: b.cookie, origin: FOREIGN })
      expect(leaveForeign.query.get('error')).toMatch(/cross-site/i)
      const left = await post(teamLeaveForm, '/forms/team/leave', { slug: c.slug }, { cookie: b.cookie })
      expect(left.path).toBe(`/competitions/${c.slug}`)
      expect(await members(teamA.id)).toBe(2)
    })
  })

  describe('account forms', () => {
    it('sign up, sign in, sign out', async () => {
      const email = `forms-${uniqueSlug()}@example.test`
      const short = await post(signupForm, '/forms/signup', { email, name: 'Forms', password: 'short' })
      expect(short.path).toBe('/signup')
      expect(short.query.get('error')).toMatch(/8 characters/)
      const foreign = await post(signupForm, '/forms/signup', { email, name: 'Forms', password: 'long enough password' }, { origin: FOREIGN })
      expect(foreign.query.get('error')).toMatch(/cross-site/i)
      expect(await app.db.user.count({ where: { email } })).toBe(0)
      // Sign-up answers alike for new and taken e-mails (no enumeration): on to the sign-in page.
      const upRes = await signupForm(formRequest('/forms/signup', { email, name: 'Forms', password: 'long enough password' }))
      expect(redirected(upRes).path).toBe('/signin')
      expect(upRes.headers.get('set-cookie')).toBeNull()
      expect(await app.db.user.count({ where: { email } })).toBe(1)

      const wrong = await post(signinForm, '/forms/signin', { email, password: 'wrong password!' })
      expect(wrong.query.get('error')).toMatch(/Wrong email or password/)
      const inRes = await signinForm(formRequest('/forms/signin', { email, password: 'long enough password', returnTo: '/competitions' }))
      expect(redirected(inRes).path).toBe('/competitions')
      const cookie = (inRes.headers.get('set-cookie') ?? '').split(';')[0]
      const user = await app.db.user.findUniqueOrThrow({ where: { email } })
      expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1)

      const outForeign = await post(signoutForm, '/forms/signout', {}, { cookie, origin: FOREIGN })
      expect(outForeign.query.get('error')).toMatch(/cross-site/i)
      expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1)
      const outRes = await signoutForm(formRequest('/forms/signout', {}, { cookie }))
      expect(redirected(outRes).path).toBe('/')
      expect(outRes.headers.get('set-cookie')).toMatch(/Max-Age=0/)
      expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0)
    })

    it('API tokens: create, dismiss, revoke (only one’s own)', async () => {
      const u = await signUp(app)
      const other = await signUp(app)
      expect((await post(tokenCreateForm, '/forms/tokens/create', { name: 'laptop' })).path).toBe('/signin')
      const foreign = await post(tokenCreateForm, '/forms/tokens/create', { name: 'laptop' }, { cookie: u.cookie, origin: FOREIGN })
      expect(foreign.query.get('error')).toMatch(/cross-site/i)
      expect(await app.db.apiToken.count({ where: { userId: u.id, name: 'laptop' } })).toBe(0)
      const created = await tokenCreateForm(formRequest('/forms/tokens/create', { name: 'laptop' }, { cookie: u.cookie }))
      expect(redirected(created).path).toBe('/account/tokens')
      expect(created.headers.get('set-cookie')).toMatch(/^arena_new_token=pa_/)
      const token = await app.db.apiToken.findFirstOrThrow({ where: { userId: u.id, name: 'laptop' } })

      const dismissed = await tokenDismissForm(formRequest('/forms/tokens/dismiss', {}, { cookie: u.cookie }))
      expect(redirected(dismissed).path).toBe('/account/tokens')
      expect(dismissed.headers.get('set-cookie')).toMatch(/^arena_new_token=;.*Max-Age=0/)

      const notMine = await post(tokenRevokeForm, '/forms/tokens/revoke', { id: token.id }, { cookie: other.cookie })
      expect(notMine.query.get('error')).toMatch(/No such active token/)
      const revokeForeign = await post(tokenRevokeForm, '/forms/tokens/revoke', { id: token.id }, { cookie: u.cookie, origin: FOREIGN })
      expect(revokeForeign.query.get('error')).toMatch(/cross-site/i)
      expect((await app.db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toBeNull()
      expect((await post(tokenRevokeForm, '/forms/tokens/revoke', { id: token.id }, { cookie: u.cookie })).query.get('notice')).toMatch(/revoked/)
      expect((await app.db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).not.toBeNull()
    })
  })

  describe('account page forms', () => {
    it('profile and password: the signed-in user only, from our own origin, with the current password', async () => {
      const u = await signUp(app)
      const name = async () => (await app.db.user.findUniqueOrThrow({ where: { id: u.id } })).name
      expect((await post(profileForm, '/forms/account/profile', { name: 'Renamed Person' })).path).toBe('/signin')
      expect((await post(profileForm, '/forms/account/profile', { name: 'Renamed Person' }, { cookie: u.cookie, origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      expect(await name()).toBe(u.name)
      expect((await post(profileForm, '/forms/account/profile', { name: 'Renamed Person' }, { cookie: u.cookie })).query.get('notice')).toMatch(/name was saved/)
      expect(await name()).toBe('Renamed Person')

      const hash = async () => (await app.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash
      const before = await hash()
      const change = { current: 'correct horse battery', password: 'a brand new password', confirm: 'a brand new password' }
      expect((await post(passwordForm, '/forms/account/password', change)).path).toBe('/signin')
      expect((await post(passwordForm, '/forms/account/password', change, { cookie: u.cookie, origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      expect((await post(passwordForm, '/forms/account/password', { ...change, current: 'not my password' }, { cookie: u.cookie })).query.get('error')).toBe('The current password is wrong')
      expect((await post(passwordForm, '/forms/account/password', { ...change, confirm: 'something else' }, { cookie: u.cookie })).query.get('error')).toBe('The two new passwords differ')
      expect(await hash()).toBe(before)
      expect((await post(passwordForm, '/forms/account/password', change, { cookie: u.cookie })).query.get('notice')).toMatch(/password was changed/)
      expect(await hash()).not.toBe(before)
    })

    it('reset: a valid one-time link sets the password once; cross-site and bad tokens change nothing', async () => {
      const u = await signUp(app)
      const hash = async () => (await app.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash
      const before = await hash()
      const { token } = await createPasswordReset({ userId: u.id })
      const fields = { token, password: 'reset to this one', confirm: 'reset to this one' }
      expect((await post(resetForm, '/forms/account/reset', fields, { origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      expect((await post(resetForm, '/forms/account/reset', { ...fields, token: 'not-a-token' })).query.get('error')).toBe(INVALID_RESET)
      expect(await hash()).toBe(before)
      const ok = await post(resetForm, '/forms/account/reset', fields)
      expect(ok.path).toBe('/signin')
      expect(await hash()).not.toBe(before)
      // Single use: the same link again is refused and stays on the reset page.
      const again = await post(resetForm, '/forms/account/reset', fields)
      expect(again.path).toBe('/reset')
      expect(again.query.get('error')).toBe(INVALID_RESET)
    })
  })

  describe('organizer forms', () => {
    async function people(): Promise<{ org: TestUser; participant: TestUser }> {
      return { org: await makeOrganizer(app), participant: await signUp(app) }
    }

    it('competition: creates and edits for organizers only', async () => {
      const { org, participant } = await people()
      const slug = uniqueSlug('form')
      const fields = { slug, title: 'Form made', startAt: '2026-01-01T00:00', deadline: '2030-01-01T00:00' }
      expect((await post(competitionForm, '/forms/organizer/competition', fields, { cookie: participant.cookie })).query.get('error')).toMatch(/Only organizers/)
      expect((await post(competitionForm, '/forms/organizer/competition', fields, { cookie: org.cookie, origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      expect(await app.db.competition.count({ where: { slug } })).toBe(0)
      expect((await post(competitionForm, '/forms/organizer/competition', fields, { cookie: org.cookie })).path).toBe(`/organizer/${slug}`)
      await post(competitionForm, '/forms/organizer/competition', { ...fields, original: slug, title: 'Renamed' }, { cookie: org.cookie })
      expect((await app.db.competition.findUniqueOrThrow({ where: { slug } })).title).toBe('Renamed')
    })

    it('activate, rescore and reveal for organizers only', async () => {
      const { org, participant } = await people()
      const c = await seedCompetition(app, { deadline: new Date(Date.now() + 60_000) })
      for (const [handler, path, fields] of [
        [activateForm, '/forms/organizer/activate', { slug: c.slug, version: '1' }],
        [rescoreForm, '/forms/organizer/rescore', { slug: c.slug }],
        [revealForm, '/forms/organizer/reveal', { slug: c.slug }],
      ] as const) {
        expect((await post(handler, path, fields, { cookie: participant.cookie })).query.get('error')).toMatch(/Only organizers/)
        expect((await post(handler, path, fields, { cookie: org.cookie, origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      }
      // Activation and reveal go through the confirmation page that states their effect.
      expect((await post(activateForm, '/forms/organizer/activate', { slug: c.slug, version: '1' }, { cookie: org.cookie })).path).toBe(`/organizer/${c.slug}/confirm`)
      expect((await post(revealForm, '/forms/organizer/reveal', { slug: c.slug }, { cookie: org.cookie })).path).toBe(`/organizer/${c.slug}/confirm`)
      const activated = await post(activateForm, '/forms/organizer/activate', { slug: c.slug, version: '1', confirm: 'yes' }, { cookie: org.cookie })
      expect(activated.query.get('notice')).toMatch(/Version 1 is active/)
      const rescored = await post(rescoreForm, '/forms/organizer/rescore', { slug: c.slug }, { cookie: org.cookie })
      expect(rescored.query.get('notice')).toMatch(/queued for rescoring|Nothing to rescore/)
      expect((await post(revealForm, '/forms/organizer/reveal', { slug: c.slug, confirm: 'yes' }, { cookie: org.cookie })).query.get('error')).toMatch(/after the deadline/)
      await app.db.competition.update({ where: { id: c.id }, data: { deadline: new Date(Date.now() - 1000) } })
      expect((await post(revealForm, '/forms/organizer/reveal', { slug: c.slug, confirm: 'yes' }, { cookie: org.cookie })).query.get('notice')).toMatch(/now public/)
      expect((await app.db.competition.findUniqueOrThrow({ where: { id: c.id } })).privateRevealedAt).not.toBeNull()
    })

    it('baseline: queues a reference baseline run for organizers only', async () => {
      const { org, participant } = await people()
      const c = await seedCompetition(app)
      const runs = () => app.db.submission.count({ where: { competitionId: c.id, isBaseline: true } })
      expect((await post(baselineForm, '/forms/organizer/baseline', { slug: c.slug }, { cookie: participant.cookie })).query.get('error')).toMatch(/Only organizers/)
      expect((await post(baselineForm, '/forms/organizer/baseline', { slug: c.slug }, { cookie: org.cookie, origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      expect(await runs()).toBe(0)
      // No test set images overlap here, so it is queued at once (the job itself is tested in
      // tests/model-submissions/baseline.test.ts, overlaps included).
      const ok = await post(baselineForm, '/forms/organizer/baseline', { slug: c.slug, confirmOverlap: 'yes' }, { cookie: org.cookie })
      expect(ok.path).toBe(`/organizer/${c.slug}`)
      expect(ok.query.get('notice')).toMatch(/baseline is queued/)
      expect(await runs()).toBe(1)
      expect(await app.db.job.count({ where: { competitionId: c.id, type: 'run-baseline' } })).toBe(1)
    })

    it('retry: puts a failed job back for organizers only', async () => {
      const { org, participant } = await people()
      const job = await app.db.job.create({ data: { type: 'import-testset', payload: '{}', status: 'failed', attempts: 1, maxAttempts: 1 } })
      expect((await post(retryForm, '/forms/organizer/retry', { id: job.id }, { cookie: participant.cookie })).query.get('error')).toMatch(/Only organizers/)
      expect((await post(retryForm, '/forms/organizer/retry', { id: job.id }, { cookie: org.cookie, origin: FOREIGN })).query.get('error')).toMatch(/cross-site/i)
      expect((await app.db.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('failed')
      const ok = await post(retryForm, '/forms/organizer/retry', { id: job.id }, { cookie: org.cookie })
      expect(ok.query.get('notice')).toMatch(/queued again/)
      // The worker takes it again (and fails it again: its payload is empty).
      await waitFor('the retried job to run', async () => {
        const j = await app.db.job.findUniqueOrThrow({ where: { id: job.id } })
        return j.attempts === 1 && j.status === 'failed' && j.finishedAt !== null ? j : null
      })
    })
  })
})
