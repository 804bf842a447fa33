// Password hashing. bcrypt reads only the first 72 bytes of its input, so two long passwords
// that share those bytes would both sign in. New hashes therefore run bcrypt on a fixed-length
// digest of the whole password: base64(HMAC-SHA-256(password)) is 44 bytes of [A-Za-z0-9+/=],
// under bcrypt's limit and free of the NUL bytes that would also end its input. Stored as
// `hs256$<bcrypt hash>`; hashes written before this scheme (plain `$2…` bcrypt) still verify, and
// sign-in rewrites them in the new scheme (needsRehash).
import { createHmac } from 'node:crypto'
import bcrypt from 'bcryptjs'

const SCHEME = 'hs256$'
// Domain separation only, not a secret: the security rests on bcrypt's cost.
const PREHASH_KEY = 'prompt-arena/password/v2'

let defaultCost = 10

/** Tests lower the bcrypt cost so that sign-ups stay fast. */
export function setBcryptCost(cost: number): void {
  defaultCost = cost
}

function prehash(password: string): string {
  return createHmac('sha256', PREHASH_KEY).update(password, 'utf8').digest('base64')
}

export async function hashPassword(password: string, options: { cost?: number } = {}): Promise<string> {
  return `${SCHEME}${await bcrypt.hash(prehash(password), options.cost ?? defaultCost)}`
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith(SCHEME)) return bcrypt.compare(prehash(password), stored.slice(SCHEME.length))
  return bcrypt.compare(password, stored)
}

/** A hash from before the pre-hash scheme: rewrite it once the password is known. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(SCHEME)
}
