// Issue 11 item 5 with REDIS_URL set: the rate-limit counters live in Redis (under the platform's
// key prefix), so every web process shares them. security-rate-limits.test.ts covers the database
// store and the limits themselves.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { POST as signin } from '../../app/api/auth/signin/route.ts'
import { closeRateLimits, configureRateLimits } from '../../lib/accounts/rate-limit.ts'
import { CLIENT_ADDRESS_HEADER } from '../../lib/web/client-address.ts'
import { forEachDatabase } from '../helpers/databases.ts'
import { useTestApp } from '../helpers/app.ts'
import { REDIS_URL } from '../queue/helpers.ts'
import { signUp } from './users.ts'

// Read by config() on first use, after this line. The test app's queue is set up explicitly, so
// only the rate limits pick Redis up.
const prefix = `arena-test-rl-${randomBytes(4).toString('hex')}`
process.env.REDIS_URL = REDIS_URL
process.env.ARENA_REDIS_PREFIX = prefix
const redis = new Redis(REDIS_URL)

afterAll(async () => {
  await closeRateLimits()
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length > 0) await redis.del(...keys)
  await redis.quit()
  delete process.env.REDIS_URL
  delete process.env.ARENA_REDIS_PREFIX
})

forEachDatabase(
  (t) => {
    const app = useTestApp(t)
    beforeAll(() => configureRateLimits(undefined))

    it('counts failed sign-ins in Redis and refuses the eleventh', async () => {
      const victim = await signUp(app, 'redis-victim')
      const from = '192.0.2.7'
      const statuses: number[] = []
      for (let i = 0; i < 11; i++) {
        const res = await signin(app.request('/api/auth/signin', { json: { email: victim.email, password: `guess ${i}` }, headers: { [CLIENT_ADDRESS_HEADER]: from } }))
        statuses.push(res.status)
      }
      expect(statuses).toEqual([...Array(10).fill(401), 429])
      expect(await redis.get(`${prefix}:rl:signin-account:${victim.email}`)).toBe('10')
      expect(await t.db.rateLimiterFlexible.count()).toBe(0)
    })
  },
  ['sqlite'],
)
