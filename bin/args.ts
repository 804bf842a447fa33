// The CLI's one option parser: node:util parseArgs (strict, so a misspelt option is an error),
// with its messages turned into UsageErrors (exit 2) and typed readers for numeric options.
// Every command parses its options through `parseOptions` (or node:util parseArgs directly).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './command.ts'

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** Parses `args` against `options`; unknown options and missing values are UsageErrors. */
export function parseOptions<O extends OptionSpec>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

/** A string option that must be given. */
export function required(value: string | boolean | undefined, name: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${name} is required`)
  return value
}

/** An integer option within [min, max], or `fallback` when absent. */
export function intOption(value: string | boolean | undefined, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  if (value === undefined) return fallback
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  const min = range.min ?? Number.MIN_SAFE_INTEGER
  const max = range.max ?? Number.MAX_SAFE_INTEGER
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bounds = range.max !== undefined ? `between ${min} and ${max}` : `an integer ≥ ${min}`
    throw new UsageError(`${name} must be ${bounds}, got '${String(value)}'`)
  }
  return n
}
