import { describe, expect, it } from 'vitest'
import { parseDecimal } from '../../scoring/index.ts'
import { prng } from './helpers.ts'

const enc = new TextEncoder()
const parse = (s: string) => {
  const b = enc.encode(s)
  return parseDecimal(b, 0, b.length)
}
const bits = (x: number) => {
  const v = new DataView(new ArrayBuffer(8))
  v.setFloat64(0, x)
  return v.getBigUint64(0)
}

describe('parseDecimal', () => {
  it('matches Number() bit for bit on hand-picked literals', () => {
    const cases = ['0', '-0', '+0', '0.0', '-0.0', '.5', '5.', '-.5', '+5.', '1e400', '-1e400', '1e-400', '4.9e-324', '2.4703282292062328e-324',
      '2.2250738585072011e-308', '2.2250738585072014e-308', '1.7976931348623157e308', '1.7976931348623159e308', '9007199254740993',
      '0.1', '0.30000000000000004', '123456789012345', '1234567890123456', '12345678901234567890', '1e22', '1e23', '1e-22', '1e-23',
      '-0.0123456789', '0.000000000000000000000000000001', '00000.5', '5e0', '5E+2', '5e-0', '1.0000000000000002', '3.141592653589793238462643383279']
    for (const s of cases) expect(bits(parse(s)), s).toBe(bits(Number(s)))
  })

  it('rejects what is not a plain decimal', () => {
    for (const s of ['', '+', '-', '.', 'e5', '1e', '1e+', '--1', '1.2.3', '0x10', 'Infinity', 'NaN', 'inf', '1_000', ' 1', '1 ', '1,5', '١']) {
      expect(parse(s), s).toBeNaN()
    }
  })

  it('matches Number() on 200k random strings (long mantissas, exponents, signs, denormals)', () => {
    const rand = prng(7)
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('')
    for (let i = 0; i < 200_000; i++) {
      const sign = ['', '-', '+'][Math.floor(rand() * 3)]
      const intLen = Math.floor(rand() * (rand() < 0.2 ? 25 : 4))
      const fracLen = Math.floor(rand() * (rand() < 0.2 ? 30 : 12))
      let s = sign + digits(intLen)
      if (fracLen > 0 || rand() < 0.2) s += '.' + digits(fracLen)
      if (intLen === 0 && fracLen === 0) s += '0'
      if (rand() < 0.4) {
        const e = Math.floor((rand() - 0.5) * (rand() < 0.3 ? 700 : 50))
        s += (rand() < 0.5 ? 'e' : 'E') + (e >= 0 && rand() < 0.3 ? '+' : '') + e
      }
      const got = parse(s)
      const want = Number(s)
      if (bits(got) !== bits(want)) expect({ s, got }).toEqual({ s, got: want })
    }
  })

  it('round-trips random doubles printed in every JavaScript format', () => {
    const rand = prng(11)
    const v = new DataView(new ArrayBuffer(8))
    for (let i = 0; i < 50_000; i++) {
      v.setUint32(0, Math.floor(rand() * 2 ** 32))
      v.setUint32(4, Math.floor(rand() * 2 ** 32))
      const x = v.getFloat64(0)
      if (!Number.isFinite(x)) continue
      for (const s of [String(x), x.toExponential(), x.toExponential(Math.floor(rand() * 20)), Math.abs(x) < 1e21 ? x.toFixed(Math.floor(rand() * 20)) : String(x)]) {
        if (bits(parse(s)) !== bits(Number(s))) expect(s).toBe('parsed differently from Number()')
      }
    }
  })
})
