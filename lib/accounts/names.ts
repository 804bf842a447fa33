// The rule for names other people see (user names, and the team names made from them): NFKC
// normalisation (full-width and compatibility forms become their plain letters), runs of white
// space become one space, and characters that render invisibly or reorder the text around them are
// refused: control characters, bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069, which can make "evil" display as "live" on the leaderboard), and other format
// characters such as zero-width spaces. Zero-width (non-)joiners stay: scripts such as Persian
// and Devanagari, and emoji sequences, need them.
import { z } from 'zod'

const INVISIBLE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]|(?![\u200C\u200D])\p{Cf}/u

export function normalizeName(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, ' ').trim()
}

/** Names of at most `max` characters, normalised; refused when empty or holding invisible characters. */
export function displayNameSchema(max: number) {
  return z
    .string()
    .refine((s) => !INVISIBLE.test(s), 'must not contain control, bidirectional or invisible formatting characters')
    .transform(normalizeName)
    .pipe(z.string().min(1, 'must not be empty').max(max))
}
