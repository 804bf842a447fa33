// Formatting shared by the pages (server and client).

export function fmtScore(v: number | null | undefined, digits = 5): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits)
}

export function fmtDate(d: Date | string | null | undefined): string {
  if (!d) return '—'
  const t = typeof d === 'string' ? new Date(d) : d
  return `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}

export function fmtAgo(d: Date, now: Date): string {
  const s = Math.round((now.getTime() - d.getTime()) / 1000)
  if (s < 60) return `${Math.max(0, s)} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86_400)} d ago`
}

/**
 * A submission's error as participants read it, the line number once: scoring errors already
 * start with "Line N:" (scoring/errors.ts), so `line` is added only to a message that lacks it.
 */
export function errorWithLine(error: string | null | undefined, line: number | null | undefined): string {
  const text = error ?? 'unknown error'
  if (!line || /^line \d+\b/i.test(text)) return text
  return `line ${line}: ${text}`
}
