// Limits on upload requests, beyond their size caps (lib/submissions, lib/testsets):
//  - a user streams at most ARENA_UPLOADS_PER_USER (2) uploads at once; more answer 429. The
//    count is kept in this process: with several web processes behind a balancer each allows that
//    many (the database quota still caps what gets scored).
//  - an upload must keep a minimum rate: every 30-second window must carry at least
//    ARENA_UPLOAD_MIN_KBPS (8 KiB/s, i.e. 240 KiB), else it is cut off with 408. A connection that
//    sends nothing at all is closed by the server's idle timeout (lib/web/server.ts).
import type { User } from '../platform/db.ts'
import { config } from '../platform/config.ts'
import { ApiError } from '../errors.ts'

interface UploadLimits {
  perUser: number
  minBytesPerSecond: number
  windowMs: number
}

let overrides: Partial<UploadLimits> | undefined

/** Test hook: other limits than the settings' (undefined: the settings again). */
export function configureUploadLimits(o: Partial<UploadLimits> | undefined): void {
  overrides = o
}

function limits(): UploadLimits {
  return { perUser: config().uploadsPerUser, minBytesPerSecond: config().uploadMinBytesPerSecond, windowMs: 30_000, ...overrides }
}

const active = new Map<string, number>()

/** Runs one upload of the user's, or answers 429 when the user already has the most running. */
export async function withUploadSlot<T>(user: Pick<User, 'id'>, fn: () => Promise<T>): Promise<T> {
  const { perUser } = limits()
  const running = active.get(user.id) ?? 0
  if (running >= perUser) {
    throw new ApiError(429, 'too_many_uploads', `You have ${running} upload(s) in progress: wait for one to finish`, { retryAfterSeconds: 10 })
  }
  active.set(user.id, running + 1)
  try {
    return await fn()
  } finally {
    const left = (active.get(user.id) ?? 1) - 1
    if (left > 0) active.set(user.id, left)
    else active.delete(user.id)
  }
}

export function uploadTooSlow(minBytesPerSecond: number): ApiError {
  return new ApiError(408, 'upload_too_slow', `The upload was slower than ${Math.round(minBytesPerSecond / 1024)} KiB/s and was stopped`)
}

/** The body, failing with 408 once a window carries fewer bytes than the minimum rate asks for. */
export function minimumRate(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const { minBytesPerSecond, windowMs } = limits()
  if (minBytesPerSecond <= 0) return body
  let windowStart = Date.now()
  let windowBytes = 0
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const t = Date.now()
        if (t - windowStart >= windowMs) {
          if (windowBytes < (minBytesPerSecond * (t - windowStart)) / 1000) throw uploadTooSlow(minBytesPerSecond)
          windowStart = t
          windowBytes = 0
        }
        windowBytes += chunk.byteLength
        controller.enqueue(chunk)
      },
    }),
  )
}
