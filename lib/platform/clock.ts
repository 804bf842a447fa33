// The services' notion of "now". Tests replace it to cross a UTC midnight or a deadline without
// waiting; the job queue keeps the real clock (its leases must not jump).
let override: (() => Date) | undefined

export function now(): Date {
  return override ? override() : new Date()
}

/** Test hook: `setClock(() => new Date('2026-11-25T00:00:01Z'))`; `setClock(undefined)` restores. */
export function setClock(fn: (() => Date) | undefined): void {
  override = fn
}
