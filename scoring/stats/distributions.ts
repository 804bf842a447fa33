/**
 * The two distribution functions the statistics need: Student's t (two-sided tail and critical
 * value) and the standard normal tail. No npm package we already depend on has them, and the
 * maintained statistics libraries (jStat, @stdlib) would add a dependency for ~60 lines of
 * textbook numerics; these follow Numerical Recipes (3rd ed., §6.1 gammln, §6.4 betai/betacf) and
 * are checked against scipy.stats in tests/scoring/stats/distributions.test.ts.
 *
 * Student's t is used instead of the normal approximation because a tiny test set (the Kaggle
 * sample has 7 images) would otherwise get intervals 30 % too narrow (t₆ = 2.447 vs 1.960); with
 * the thousands of public images of a real competition the two agree to 0.1 % (t₄₀₀₀ = 1.9606).
 */

const LANCZOS = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 3.399464998481189e-5, 4.652362892704858e-5,
  -9.837447530487956e-5, 1.580887032249125e-4, -2.1026444172410488e-4, 2.1743961811521265e-4, -1.643181065367639e-4,
  8.441822398385275e-5, -2.6190838401581408e-5, 3.6899182659531625e-6,
]

/** ln Γ(x) for x > 0 (Lanczos, g = 671/128, 14 terms: relative error < 1e-15). */
export function logGamma(x: number): number {
  let y = x
  const tmp0 = x + 5.2421875
  const tmp = (x + 0.5) * Math.log(tmp0) - tmp0
  let ser = 0.9999999999999971
  for (const c of LANCZOS) ser += c / ++y
  return tmp + Math.log((2.5066282746310007 * ser) / x)
}

/** Continued fraction of the incomplete beta (modified Lentz); converges for x < (a+1)/(a+b+2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const FPMIN = 1e-300
  const EPS = 1e-15
  const qab = a + b
  const qap = a + 1
  const qam = a - 1
  let c = 1
  let d = 1 - (qab * x) / qap
  if (Math.abs(d) < FPMIN) d = FPMIN
  d = 1 / d
  let h = d
  // Iterations grow like √max(a, b): ~130 for a = 8,000 (16,000 public images); 10,000 is ample.
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < FPMIN) d = FPMIN
    c = 1 + aa / c
    if (Math.abs(c) < FPMIN) c = FPMIN
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2))
    d = 1 + aa * d
    if (Math.abs(d) < FPMIN) d = FPMIN
    c = 1 + aa / c
    if (Math.abs(c) < FPMIN) c = FPMIN
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) <= EPS) break
  }
  return h
}

/** Regularized incomplete beta I_x(a, b), a, b > 0, 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x)
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b
}

/**
 * P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, 1/2).
 * df = Infinity gives the normal tail.
 */
export function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN
  if (!Number.isFinite(t)) return 0
  if (df === Infinity) return normalTwoSided(t)
  return regularizedBeta(df / (df + t * t), df / 2, 0.5)
}

/** The c > 0 with P(|T| ≥ c) = alpha (e.g. 1.960 for df = ∞, 2.447 for df = 6 at alpha = 0.05). */
export function studentTCritical(alpha: number, df: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`)
  if (!(df > 0)) throw new RangeError(`df must be positive, got ${df}`)
  // Bisection on the monotone tail: 200 halvings of [0, hi] reach the double's resolution.
  let lo = 0
  let hi = 2
  while (studentTTwoSided(hi, df) > alpha) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2
    if (studentTTwoSided(mid, df) > alpha) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/**
 * P(|Z| ≥ |z|) = erfc(|z|/√2) for the standard normal, through the regularized incomplete gamma
 * (erfc(x) = Q(1/2, x²)): the continued fraction for x² > 1.5, the series below.
 */
export function normalTwoSided(z: number): number {
  if (Number.isNaN(z)) return NaN
  const x2 = (z * z) / 2
  if (x2 === 0) return 1
  if (!Number.isFinite(x2)) return 0
  const a = 0.5
  const lnFront = -x2 + a * Math.log(x2) - logGamma(a)
  if (x2 < a + 1) {
    // P(a, x) by its series; erfc = 1 − P.
    let ap = a
    let del = 1 / a
    let sum = del
    for (let n = 0; n < 10_000; n++) {
      ap += 1
      del *= x2 / ap
      sum += del
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break
    }
    return 1 - sum * Math.exp(lnFront)
  }
  // Q(a, x) by its continued fraction (modified Lentz).
  const FPMIN = 1e-300
  let b = x2 + 1 - a
  let c = 1 / FPMIN
  let d = 1 / b
  let h = d
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < FPMIN) d = FPMIN
    c = b + an / c
    if (Math.abs(c) < FPMIN) c = FPMIN
    d = 1 / d
    const del = d * c
    h *= del
    if (Math.abs(del - 1) < 1e-16) break
  }
  return Math.exp(lnFront) * h
}
