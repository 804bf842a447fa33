// Brute-force and abuse limits on sign-in, sign-up and API-token use, counted per account and per
// client address by rate-limiter-flexible. The counters live where every web process sees them
// and a restart does not clear them: Redis when REDIS_URL is set, else the database (its Prisma
// store on the RateLimiterFlexible table, SQLite or PostgreSQL alike). A store failure falls back
// to an in-process counter rather than letting every attempt through.
import { isIPv6 } from 'node:net'
import { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { config, type RateLimitSettings } from '../platform/config.ts'
import { db, type Db } from '../platform/db.ts'
import { ApiError } from '../errors.ts'

const FIFTEEN_MINUTES = 15 * 60
const ONE_HOUR = 60 * 60

export function rateLimited(msBeforeNext: number): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000))
  const minutes = Math.ceil(retryAfterSeconds / 60)
  return new ApiError(429, 'rate_limited', `Too many attempts; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`, { retryAfterSeconds })
}

interface Limiters {
  signInAccount: RateLimiterAbstract
  signInAddress: RateLimiterAbstract
  signUpAddress: RateLimiterAbstract
  tokenAddress: RateLimiterAbstract
}

let overrides: RateLimitSettings | undefined

/** Test hook: other limits than the settings' (undefined: the settings again). */
export function configureRateLimits(settings: RateLimitSettings | undefined): void {
  overrides = settings
}

function settings(): RateLimitSettings {
  return overrides ?? config().rateLimits
}

let redis: Redis | undefined
const cache = new WeakMap<object, { key: string; limiters: Limiters }>()

function build(store: Db | Redis, s: RateLimitSettings): Limiters {
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract => {
    const insuranceLimiter = new RateLimiterMemory({ keyPrefix, points, duration })
    // In Redis under the platform's key prefix, like the queue: several platforms may share one Redis.
    if (store instanceof Redis) return new RateLimiterRedis({ storeClient: store, keyPrefix: `${config().redisPrefix}:rl:${keyPrefix}`, points, duration, insuranceLimiter })
    // Prisma exposes the model as `rateLimiterFlexible` (the store's default names the model).
    return new RateLimiterPrisma({ storeClient: store, tableName: 'rateLimiterFlexible', keyPrefix, points, duration, insuranceLimiter })
  }
  return {
    signInAccount: make('signin-account', s.signInFailuresPerAccount, FIFTEEN_MINUTES),
    signInAddress: make('signin-address', s.signInFailuresPerAddress, FIFTEEN_MINUTES),
    signUpAddress: make('signup-address', s.signUpsPerAddress, ONE_HOUR),
    tokenAddress: make('token-address', s.tokenFailuresPerAddress, FIFTEEN_MINUTES),
  }
}

function limiters(): Limiters {
  const url = config().redisUrl
  if (url) redis ??= new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
  const store: Db | Redis = redis ?? db()
  const s = settings()
  const key = JSON.stringify(s)
  const hit = cache.get(store)
  if (hit?.key === key) return hit.limiters
  const built = build(store, s)
  cache.set(store, { key, limiters: built })
  return built
}

export async function closeRateLimits(): Promise<void> {
  const r = redis
  redis = undefined
  if (r) await r.quit().catch(() => r.disconnect())
}

/**
 * The counting key of a client address. An IPv6 client usually holds a whole /64, so its
 * addresses count together.
 */
export function addressKey(address: string): string {
  if (!isIPv6(address)) return address
  const [head, tail = ''] = address.split('::')
  const left = head ? head.split(':') : []
  const right = address.includes('::') && tail ? tail.split(':') : []
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`
}

/** Throws 429 when the key has used up its points. */
async function assertNotExhausted(limiter: RateLimiterAbstract, key: string): Promise<void> {
  const res = await limiter.get(key)
  if (res && res.consumedPoints >= limiter.points) throw rateLimited(res.msBeforeNext)
}

/** Counts one point; throws 429 when that went past the limit. */
async function count(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key)
  } catch (err) {
    if (err instanceof RateLimiterRes) throw rateLimited(err.msBeforeNext)
    throw err
  }
}

/** Before checking a password: refuses an account or address that has failed too often. */
export async function beforeSignIn(email: string, address: string): Promise<void> {
  const l = limiters()
  await assertNotExhausted(l.signInAccount, email.toLowerCase())
  await assertNotExhausted(l.signInAddress, addressKey(address))
}

/** A wrong password (or unknown e-mail) counts against the account and the address. */
export async function signInFailed(email: string, address: string): Promise<void> {
  const l = limiters()
  await Promise.all([l.signInAccount.consume(email.toLowerCase()).catch(ignoreLimit), l.signInAddress.consume(addressKey(address)).catch(ignoreLimit)])
}

/** The right password clears the account's failures (the address's stay: it may be guessing others). */
export async function signInSucceeded(email: string): Promise<void> {
  await limiters().signInAccount.delete(email.toLowerCase())
}

/** Every sign-up attempt counts against the address. */
export async function beforeSignUp(address: string): Promise<void> {
  await count(limiters().signUpAddress, addressKey(address))
}

/** Before looking up a bearer token: refuses an address that has sent too many bad ones. */
export async function beforeTokenUse(address: string): Promise<void> {
  await assertNotExhausted(limiters().tokenAddress, addressKey(address))
}

export async function tokenFailed(address: string): Promise<void> {
  await limiters().tokenAddress.consume(addressKey(address)).catch(ignoreLimit)
}

/** Past the limit is fine here: the next attempt is refused by the check before it. */
function ignoreLimit(err: unknown): void {
  if (!(err instanceof RateLimiterRes)) throw err
}
