// The data model's rules, checked on both databases the platform supports.
import { describe, expect, it } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import type { Db } from '../../lib/platform/db.ts'

let counter = 0
const unique = (p: string) => `${p}-${process.pid}-${++counter}`

async function competition(db: Db, slug = unique('comp')) {
  return db.competition.create({
    data: { slug, title: slug, startAt: new Date('2026-01-01T00:00:00Z'), deadline: new Date('2027-01-01T00:00:00Z') },
  })
}

async function user(db: Db) {
  return db.user.create({ data: { email: `${unique('u')}@example.test`, name: 'U', passwordHash: 'x' } })
}

async function testSet(db: Db, competitionId: string, version: number) {
  return db.testSetVersion.create({ data: { competitionId, version, seed: 1, publicFraction: 0.3 } })
}

forEachDatabase((t) => {
  it('rejects a second competition with the same slug', async () => {
    const c = await competition(t.db)
    await expect(competition(t.db, c.slug)).rejects.toThrow(/Unique constraint/i)
  })

  it('keeps exactly one active test-set version per competition, by construction', async () => {
    const c = await competition(t.db)
    const v1 = await testSet(t.db, c.id, 1)
    const v2 = await testSet(t.db, c.id, 2)
    await t.db.competition.update({ where: { id: c.id }, data: { activeTestSetId: v1.id } })
    await t.db.competition.update({ where: { id: c.id }, data: { activeTestSetId: v2.id } })
    const now = await t.db.competition.findUniqueOrThrow({ where: { id: c.id }, include: { activeTestSet: true } })
    expect(now.activeTestSet?.version).toBe(2)
    // A version can be the active one of one competition only.
    const other = await competition(t.db)
    await expect(t.db.competition.update({ where: { id: other.id }, data: { activeTestSetId: v2.id } })).rejects.toThrow(/Unique constraint/i)
    // Version numbers are unique within a competition.
    await expect(testSet(t.db, c.id, 2)).rejects.toThrow(/Unique constraint/i)
  })

  it('lets a user be in one team per competition only', async () => {
    const c = await competition(t.db)
    const u = await user(t.db)
    const a = await t.db.team.create({ data: { competitionId: c.id, name: 'A', inviteCode: unique('code') } })
    const b = await t.db.team.create({ data: { competitionId: c.id, name: 'B', inviteCode: unique('code') } })
    await t.db.teamMember.create({ data: { teamId: a.id, userId: u.id, competitionId: c.id } })
    await expect(t.db.teamMember.create({ data: { teamId: b.id, userId: u.id, competitionId: c.id } })).rejects.toThrow(/Unique constraint/i)
    await expect(t.db.team.create({ data: { competitionId: c.id, name: 'A', inviteCode: unique('code') } })).rejects.toThrow(/Unique constraint/i)
  })

  it('cascades a competition delete to its test sets, teams, submissions, scores and jobs', async () => {
    const c = await competition(t.db)
    const u = await user(t.db)
    const v = await testSet(t.db, c.id, 1)
    await t.db.testImage.create({ data: { testSetId: v.id, imageId: 'img1', position: 0, isPublic: true, fileKey: 'k' } })
    await t.db.competition.update({ where: { id: c.id }, data: { activeTestSetId: v.id } })
    const team = await t.db.team.create({ data: { competitionId: c.id, name: 'T', inviteCode: unique('code') } })
    await t.db.teamMember.create({ data: { teamId: team.id, userId: u.id, competitionId: c.id } })
    const s = await t.db.submission.create({
      data: { competitionId: c.id, teamId: team.id, userId: u.id, kind: 'csv', fileKey: 'f', fileName: 'f.csv', fileSize: 1 },
    })
    await t.db.submissionScore.create({ data: { submissionId: s.id, testSetId: v.id, score: 0.5 } })
    await t.db.job.create({ data: { type: 'score-submission', payload: '{}', submissionId: s.id } })

    await t.db.competition.delete({ where: { id: c.id } })
    expect(await t.db.testSetVersion.count({ where: { competitionId: c.id } })).toBe(0)
    expect(await t.db.testImage.count({ where: { testSetId: v.id } })).toBe(0)
    expect(await t.db.team.count({ where: { competitionId: c.id } })).toBe(0)
    expect(await t.db.teamMember.count({ where: { competitionId: c.id } })).toBe(0)
    expect(await t.db.submission.count({ where: { competitionId: c.id } })).toBe(0)
    expect(await t.db.submissionScore.count({ where: { submissionId: s.id } })).toBe(0)
    expect(await t.db.job.count({ where: { submissionId: s.id } })).toBe(0)
    // The user is not owned by the competition.
    expect(await t.db.user.count({ where: { id: u.id } })).toBe(1)
  })

  it('deletes a user with their sessions, tokens and memberships but keeps their team submissions', async () => {
    const c = await competition(t.db)
    const u = await user(t.db)
    const team = await t.db.team.create({ data: { competitionId: c.id, name: 'T', inviteCode: unique('code') } })
    await t.db.teamMember.create({ data: { teamId: team.id, userId: u.id, competitionId: c.id } })
    await t.db.session.create({ data: { tokenHash: unique('h'), userId: u.id, expiresAt: new Date() } })
    await t.db.apiToken.create({ data: { userId: u.id, name: 'cli', prefix: 'pa_x', tokenHash: unique('t') } })
    const s = await t.db.submission.create({
      data: { competitionId: c.id, teamId: team.id, userId: u.id, kind: 'csv', fileKey: 'f', fileName: 'f.csv', fileSize: 1 },
    })

    await t.db.user.delete({ where: { id: u.id } })
    expect(await t.db.session.count({ where: { userId: u.id } })).toBe(0)
    expect(await t.db.apiToken.count({ where: { userId: u.id } })).toBe(0)
    expect(await t.db.teamMember.count({ where: { userId: u.id } })).toBe(0)
    const kept = await t.db.submission.findUniqueOrThrow({ where: { id: s.id } })
    expect(kept.userId).toBeNull()
    expect(kept.teamId).toBe(team.id)
  })

  it('clears the active pointer when the active version is deleted', async () => {
    const c = await competition(t.db)
    const v = await testSet(t.db, c.id, 1)
    await t.db.competition.update({ where: { id: c.id }, data: { activeTestSetId: v.id } })
    await t.db.testSetVersion.delete({ where: { id: v.id } })
    expect((await t.db.competition.findUniqueOrThrow({ where: { id: c.id } })).activeTestSetId).toBeNull()
  })
})

describe('migrations', () => {
  it('are current: the committed SQL produces exactly prisma/schema.prisma on both databases', async () => {
    const { loadEngine, pendingDiff } = await import('../../scripts/schema-diff.ts')
    const engine = await loadEngine()
    expect(await pendingDiff(engine, 'sqlite')).toBe('')
    expect(await pendingDiff(engine, 'postgresql')).toBe('')
  })

  it('apply once when several processes start at the same time (SQLite)', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const os = await import('node:os')
    const path = await import('node:path')
    const { execFile } = await import('node:child_process')
    const { promisify } = await import('node:util')
    const Database = (await import('better-sqlite3')).default
    const { listMigrations } = await import('../../lib/platform/migrate.ts')
    const dir = mkdtempSync(path.join(os.tmpdir(), 'arena-mig-'))
    const file = path.join(dir, 'race.db')
    const root = path.resolve(import.meta.dirname, '../..')
    try {
      const run = () =>
        promisify(execFile)(process.execPath, ['bin/arena.js', 'db', 'migrate'], { cwd: root, env: { ...process.env, DATABASE_URL: `file:${file}` } })
      const outputs = await Promise.all([run(), run(), run()])
      const applying = outputs.map((o) => o.stderr).join('').match(/applying migration/g) ?? []
      expect(applying).toHaveLength(listMigrations('sqlite').length)
      const db = new Database(file)
      const rows = db.prepare('SELECT migration_name FROM _prisma_migrations').all()
      db.close()
      expect(rows).toHaveLength(listMigrations('sqlite').length)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('apply once when several clients start at the same time (PostgreSQL)', async () => {
    const { createTestDatabase } = await import('../helpers/databases.ts')
    const { applyMigrations, listMigrations } = await import('../../lib/platform/migrate.ts')
    const t = await createTestDatabase('postgresql')
    try {
      // The helper migrated it already: drop everything and race three runners on the empty database.
      await t.db.$executeRawUnsafe('DROP SCHEMA public CASCADE')
      await t.db.$executeRawUnsafe('CREATE SCHEMA public')
      const results = await Promise.all([1, 2, 3].map(() => applyMigrations({ url: t.url })))
      expect(results.flat().sort()).toEqual(listMigrations('postgresql').map((m) => m.name))
      const rows = await t.db.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM _prisma_migrations')
      expect(Number(rows[0].n)).toBe(listMigrations('postgresql').length)
    } finally {
      await t.drop()
    }
  })
})
