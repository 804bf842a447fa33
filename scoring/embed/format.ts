/**
 * Number formatting of the competition's long CSV (`imgId_eId,val`): each value is the float32
 * written as numpy writes it (shortest decimal that reads back to the same float32; scientific
 * notation below 1e-4, e.g. -8.726701e-05, as `str(np.float32(x))`), which is how the host's
 * sample_submission.csv looks.
 */

/** Shortest round-trip text of a float32, in Python/numpy repr style. */
export function formatFloat32(value: number): string {
  const f = Math.fround(value)
  if (Number.isNaN(f)) return 'nan'
  if (!Number.isFinite(f)) return f > 0 ? 'inf' : '-inf'
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0'
  let exp = ''
  for (let digits = 1; digits <= 9; digits++) {
    exp = f.toExponential(digits - 1)
    if (Math.fround(Number(exp)) === f) break
  }
  const [mantissa, expText] = exp.split('e')
  const e = Number(expText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  const sign = negative ? '-' : ''
  // numpy switches to scientific notation on the value itself below 1e-4. Checked equal to
  // str(np.float32(x)) for |x| <= 1 (every embedding value); far above 1 numpy's switch point
  // differs and 1e8 here is only an approximation of it.
  if (Math.abs(f) < 1e-4 || Math.abs(f) >= 1e8) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const ee = Math.abs(e).toString().padStart(2, '0')
    return `${sign}${m}e${e < 0 ? '-' : '+'}${ee}`
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`
  const intLen = e + 1
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`
}

/** The long-format rows of one image: `${imgId}_${e},${val}\n` for e in 0..dim-1. */
export function longRows(imgId: string, vectors: Float32Array, row: number, dim: number): string {
  let out = ''
  const base = row * dim
  for (let e = 0; e < dim; e++) out += `${imgId}_${e},${formatFloat32(vectors[base + e])}\n`
  return out
}
