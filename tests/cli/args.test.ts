// The CLI's one option parser (bin/args.ts): strict options, usage errors, integer ranges; and
// the commands converted to it refuse what they used to accept silently.
import { expect, it } from 'vitest'
import { intOption, parseOptions, required } from '../../bin/args.ts'
import { UsageError } from '../../bin/command.ts'
import { arena } from '../helpers/cli.ts'

it('parses options strictly and reports mistakes as usage errors', () => {
  const spec = { competition: { type: 'string', short: 'c' }, wait: { type: 'boolean' } } as const
  expect(parseOptions(['-c', 'x', '--wait'], spec).values).toEqual({ competition: 'x', wait: true })
  expect(() => parseOptions(['--colour'], spec)).toThrow(UsageError)
  expect(() => parseOptions(['-c'], spec)).toThrow(/argument missing/)
  expect(() => parseOptions(['stray'], spec)).toThrow(UsageError)
  expect(parseOptions(['-c', 'x', 'a', 'b'], spec, true).positionals).toEqual(['a', 'b'])
  expect(() => required(undefined, '--url')).toThrow('--url is required')
})

it('reads integers within their range only', () => {
  expect(intOption(undefined, '--top', 7)).toBe(7)
  expect(intOption('12', '--top', 7, { min: 1 })).toBe(12)
  for (const bad of ['0', '1.5', 'ten', '', '65']) expect(() => intOption(bad, '--n', 1, { min: 1, max: 64 })).toThrow(UsageError)
  expect(() => intOption('0', '--top', 1, { min: 1 })).toThrow("--top must be an integer ≥ 1, got '0'")
})

it('worker, serve and db migrate go through it (exit 2 on a bad option, before doing anything)', async () => {
  expect((await arena('worker', '--concurrency', '0')).err).toContain('--concurrency must be between 1 and 64')
  expect((await arena('worker', '--graceful')).code).toBe(2)
  expect((await arena('serve', '--port', 'http')).err).toContain('--port must be between 1 and 65535')
  expect((await arena('db', 'migrate', '--bogus')).code).toBe(2)
})
