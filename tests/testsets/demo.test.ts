// The quick start's demo: a generated test set, examples and demo teams scored through the queue.
import { expect } from 'vitest'
import { forEachDatabase } from '../helpers/databases.ts'
import { useTestApp } from '../helpers/app.ts'
import { waitFor } from '../queue/helpers.ts'
import { DEMO_SLUG, seedDemo } from '../../lib/demo/demo.ts'
import { listExamples } from '../../lib/testsets/examples.ts'
import { listTestSets } from '../../lib/testsets/reads.ts'
import { itWithModel } from './fixtures.ts'

forEachDatabase((t) => {
  const app = useTestApp(t)

  itWithModel('seeds a scored leaderboard once, deterministically', async () => {
    const lines: string[] = []
    expect(await seedDemo({ log: (l) => lines.push(l) })).toBe(true)
    expect(lines.join('\n')).toMatch(/test set version 1 ready \(32 images, 16 public\)/)
    const [version] = await listTestSets(DEMO_SLUG)
    expect(version).toMatchObject({ status: 'ready', active: true, imageCount: 32 })
    const competition = await app.db.competition.findUniqueOrThrow({ where: { slug: DEMO_SLUG } })
    const examples = await listExamples(competition.id)
    expect(examples).toHaveLength(6)
    expect(examples[0].prompt.length).toBeGreaterThan(10)
    expect(await app.storage.exists(examples[0].fileKey)).toBe(true)

    const subs = await waitFor(
      'the demo submissions to be scored',
      async () => {
        const rows = await app.db.submission.findMany({ where: { competitionId: competition.id, isBaseline: false }, include: { team: true } })
        return rows.length === 4 && rows.every((r) => r.status === 'scored' || r.status === 'failed') ? rows : null
      },
      90_000,
    )
    const score = Object.fromEntries(subs.map((s) => [s.team?.name ?? '', s.score ?? Number.NaN]))
    for (const s of subs) expect(s.status).toBe('scored')
    expect(score['Noisy Neighbours']).toBeGreaterThan(score['Pixel Poets'])
    expect(score['Pixel Poets']).toBeGreaterThan(score['Shape Spotters'])
    expect(score['Shape Spotters']).toBeGreaterThan(score['Constant Crew'])

    // The reference baseline is queued with the demo (fitted and scored by the worker).
    expect(await app.db.job.count({ where: { competitionId: competition.id, type: 'run-baseline' } })).toBe(1)
    expect(await app.db.submission.count({ where: { competitionId: competition.id, isBaseline: true, teamId: null } })).toBe(1)

    // A second start seeds nothing more.
    expect(await seedDemo()).toBe(false)
    expect(await app.db.submission.count({ where: { competitionId: competition.id } })).toBe(5)
  }, 180_000)
})
