// The organizers' CLI on the platform's database: `arena competitions publish|unpublish` and
// `arena users reset-password` (a one-time link whose token is stored hashed).
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { forEachDatabase } from '../helpers/databases.ts'
import { sha256 } from '../../lib/accounts/auth.ts'

interface Run {
  code: number
  out: string
  err: string
}

forEachDatabase((t) => {
  // The CLI opens (and closes) its own client on DATABASE_URL; config() is read once per module
  // graph, so each provider gets a fresh one.
  let main: (argv: string[]) => Promise<number>
  const before = process.env.DATABASE_URL
  beforeAll(async () => {
    process.env.DATABASE_URL = t.url
    vi.resetModules()
    main = (await import('../../bin/cli.ts')).main
  })
  afterAll(() => {
    if (before === undefined) delete process.env.DATABASE_URL
    else process.env.DATABASE_URL = before
  })
  async function arena(...argv: string[]): Promise<Run> {
    let out = ''
    let err = ''
    const spies = [
      vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`)),
      vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += `${a.join(' ')}\n`)),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true)),
    ]
    try {
      return { code: await main(argv), out, err }
    } finally {
      for (const s of spies) s.mockRestore()
    }
  }

  it('publishes only with an active test set, and unpublishes', async () => {
    const slug = `cli-${randomBytes(4).toString('hex')}`
    const rulesFile = path.join(mkdtempSync(path.join(tmpdir(), 'arena-rules-')), 'rules.md')
    writeFileSync(rulesFile, '1. One account per person.\n')
    const created = await arena('competitions', 'create', '--slug', slug, '--title', 'CLI draft', '--rules-file', rulesFile)
    expect(created.code).toBe(0)
    expect(created.out).toContain(`created draft competition ${slug}`)
    expect(await t.db.competition.findUniqueOrThrow({ where: { slug } })).toMatchObject({ publishedAt: null, rules: '1. One account per person.\n' })
    const refused = await arena('competitions', 'publish', '--slug', slug)
    expect(refused.code).toBe(2)
    expect(refused.err).toContain('has no active test set')

    const c = await t.db.competition.findUniqueOrThrow({ where: { slug } })
    const v = await t.db.testSetVersion.create({ data: { competitionId: c.id, version: 1, seed: 1, publicFraction: 0.3, status: 'ready', imageCount: 1, publicCount: 0 } })
    await t.db.competition.update({ where: { id: c.id }, data: { activeTestSetId: v.id } })
    const ok = await arena('competitions', 'publish', '--slug', slug)
    expect(ok.code).toBe(0)
    expect(ok.out).toContain(`published ${slug}`)
    expect((await t.db.competition.findUniqueOrThrow({ where: { slug } })).publishedAt).toBeInstanceOf(Date)
    expect((await arena('competitions', 'unpublish', '--slug', slug)).code).toBe(0)
    expect((await t.db.competition.findUniqueOrThrow({ where: { slug } })).publishedAt).toBeNull()
    expect((await arena('competitions', 'publish')).err).toContain('missing --slug')
  })

  it('prints a one-time reset link for an account', async () => {
    const email = `cli-${randomBytes(4).toString('hex')}@example.test`
    expect((await arena('users', 'create', '--email', email, '--name', 'Cli', '--password', 'long enough password')).code).toBe(0)
    const r = await arena('users', 'reset-password', '--email', email, '--url', 'https://arena.example.org/')
    expect(r.code).toBe(0)
    const link = r.out.match(/https:\/\/arena\.example\.org\/reset\?token=(\S+)/)
    expect(link).not.toBeNull()
    const user = await t.db.user.findUniqueOrThrow({ where: { email } })
    const row = await t.db.passwordReset.findFirstOrThrow({ where: { userId: user.id } })
    expect(row.tokenHash).toBe(sha256(decodeURIComponent(link![1])))
    expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000)
    const unknown = await arena('users', 'reset-password', '--email', 'nobody@example.test')
    expect(unknown.code).toBe(2)
    expect(unknown.err).toContain('No account with this email')
  })
})
