/** The notice or error a form route sent back in the query string. */
export function Flash({ error, notice }: { error?: string | string[]; notice?: string | string[] }) {
  const e = Array.isArray(error) ? error[0] : error
  const n = Array.isArray(notice) ? notice[0] : notice
  if (!e && !n) return null
  return e ? (
    <p className="flash flash-error" role="alert">
      {e}
    </p>
  ) : (
    <p className="flash flash-notice" role="status">
      {n}
    </p>
  )
}

export type SearchParams = Promise<Record<string, string | string[] | undefined>>

export function param(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}
