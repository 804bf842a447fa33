/**
 * Decimal text → float64, bit-identical to `Number(text)` for the strict decimal grammar
 *   [+-]? ( digits [ '.' digits? ] | '.' digits ) ( [eE] [+-]? digits )?
 * Anything else (hex, "Infinity", "NaN", "1_0", spaces) returns NaN, which never comes out
 * of a valid literal, so NaN doubles as "not a number".
 *
 * Fast path (Clinger): with ≤ 15 significant digits the mantissa is an exact integer below
 * 2^53 and 10^k for k ≤ 22 is an exact double, so one IEEE multiply/divide is the correctly
 * rounded result, i.e. what Number() returns. Everything else falls back to Number().
 */
export const POW10: readonly number[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
]

export function parseDecimal(b: Uint8Array, start: number, end: number): number {
  let i = start
  let neg = false
  if (i < end) {
    const c = b[i]
    if (c === 45) {
      neg = true
      i++
    } else if (c === 43) i++
  }
  let mant = 0
  let sig = 0
  let exp10 = 0
  let digits = 0
  while (i < end) {
    const d = b[i] - 48
    if (d < 0 || d > 9) break
    digits++
    if (mant !== 0 || d !== 0) {
      sig++
      mant = mant * 10 + d
    }
    i++
  }
  if (i < end && b[i] === 46) {
    i++
    while (i < end) {
      const d = b[i] - 48
      if (d < 0 || d > 9) break
      digits++
      exp10--
      if (mant !== 0 || d !== 0) {
        sig++
        mant = mant * 10 + d
      }
      i++
    }
  }
  if (digits === 0) return NaN
  if (i < end && (b[i] | 32) === 101) {
    i++
    let eneg = false
    if (i < end) {
      const c = b[i]
      if (c === 45) {
        eneg = true
        i++
      } else if (c === 43) i++
    }
    let e = 0
    let edigits = 0
    while (i < end) {
      const d = b[i] - 48
      if (d < 0 || d > 9) break
      // Cap: the value is only used to pick the fast path; huge exponents go to Number().
      if (e < 100000) e = e * 10 + d
      edigits++
      i++
    }
    if (edigits === 0) return NaN
    exp10 += eneg ? -e : e
  }
  if (i !== end) return NaN
  if (mant === 0) return neg ? -0 : 0
  if (sig <= 15) {
    if (exp10 >= 0) {
      if (exp10 <= 22) return neg ? -(mant * POW10[exp10]) : mant * POW10[exp10]
    } else if (exp10 >= -22) {
      return neg ? -(mant / POW10[-exp10]) : mant / POW10[-exp10]
    }
  }
  return Number(latin1(b, start, end))
}

/** Bytes → string for ASCII text (the grammar above is ASCII-only). */
export function latin1(b: Uint8Array, start: number, end: number): string {
  let s = ''
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i])
  return s
}
