import { describe, expect, it } from 'vitest'
import { normalTwoSided, studentTCritical, studentTTwoSided } from '../../../scoring/stats/index.ts'

// Reference values: scipy.stats 1.17 (2 * t.sf(|t|, df), 2 * norm.sf(z), t.ppf(0.975, df)).
const T_TAILS: [number, number, number][] = [
  [2.0, 3, 0.13932596855884305],
  [2.449489742783178, 3, 0.09172111331157186],
  [1.0, 1, 0.5000000000000001],
  [0.5, 10, 0.627893605742973],
  [3.5, 25, 0.0017654953143569536],
  [1.96, 4799, 0.05005357543217165],
  [1.96, 15999, 0.05001312234022865],
  [0.1, 2, 0.9294654384141402],
  [10, 5, 0.00017094757574296363],
  [-2.2, 12, 0.04813681344502252],
]
const NORMAL_TAILS: [number, number][] = [
  [0, 1],
  [0.5, 0.6170750774519738],
  [1.0, 0.31731050786291415],
  [1.959963984540054, 0.05],
  [3, 0.0026997960632601866],
  [6, 1.973175290075389e-9],
  [10, 1.523970604832094e-23],
]
const CRITICAL: [number, number][] = [
  [1, 12.706204736174694],
  [2, 4.302652729749462],
  [6, 2.4469118511449786],
  [10, 2.228138851986274],
  [30, 2.0422724563012378],
  [4799, 1.9604584332761166],
  [15999, 1.9601122717865989],
]

describe('Student t and normal tails', () => {
  it('match scipy to 1e-10 relative', () => {
    for (const [t, df, p] of T_TAILS) expect(Math.abs(studentTTwoSided(t, df) - p) / p, `t=${t} df=${df}`).toBeLessThan(1e-10)
    for (const [z, p] of NORMAL_TAILS) expect(Math.abs(normalTwoSided(z) - p) / p, `z=${z}`).toBeLessThan(1e-10)
  })

  it('tend to the normal as df grows, and handle infinities', () => {
    expect(Math.abs(studentTTwoSided(1.96, 1e6) - normalTwoSided(1.96))).toBeLessThan(1e-6)
    expect(studentTTwoSided(1.96, Infinity)).toBe(normalTwoSided(1.96))
    expect(studentTTwoSided(Infinity, 5)).toBe(0)
    expect(studentTTwoSided(0, 5)).toBe(1)
    expect(Number.isNaN(studentTTwoSided(NaN, 5))).toBe(true)
  })

  it('give critical values that match scipy and invert the tail', () => {
    for (const [df, c] of CRITICAL) {
      expect(Math.abs(studentTCritical(0.05, df) - c) / c, `df=${df}`).toBeLessThan(1e-9)
      expect(Math.abs(studentTTwoSided(studentTCritical(0.05, df), df) - 0.05)).toBeLessThan(1e-12)
    }
    expect(() => studentTCritical(0, 3)).toThrow(RangeError)
    expect(() => studentTCritical(0.05, 0)).toThrow(RangeError)
  })
})
